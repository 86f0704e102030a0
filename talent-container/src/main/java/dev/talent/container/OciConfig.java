package dev.talent.container;

import java.util.List;

/**
 * The part of the OCI runtime specification (config.json, version 1.0.2) talent uses. Field names are the
 * specification's, so Jackson writes the records as they are.
 */
record OciConfig(String ociVersion, Process process, Root root, String hostname, List<Mount> mounts, Linux linux) {

    static final String VERSION = "1.0.2";

    @SuppressWarnings("AvoidCommonTypeNames") // the OCI runtime spec's "process" object, always written OciConfig.Process
    record Process(boolean terminal, User user, List<String> args, List<String> env, String cwd,
                   Capabilities capabilities, List<Rlimit> rlimits, boolean noNewPrivileges) {}

    record User(int uid, int gid) {}

    record Capabilities(List<String> bounding, List<String> effective, List<String> inheritable,
                        List<String> permitted, List<String> ambient) {
        static final Capabilities NONE = new Capabilities(List.of(), List.of(), List.of(), List.of(), List.of());
    }

    record Rlimit(String type, long hard, long soft) {}

    record Root(String path, boolean readonly) {}

    record Mount(String destination, String type, String source, List<String> options) {}

    record Linux(Resources resources, List<Namespace> namespaces, List<String> maskedPaths, List<String> readonlyPaths) {}

    record Resources(List<DeviceRule> devices) {}

    record DeviceRule(boolean allow, String access) {}

    /** A namespace of the container: a new one, or (path set) the existing one that file names. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record Namespace(String type, String path) {
        Namespace(String type) { this(type, null); }
    }
}
