import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.lang.constant.ClassDesc;
import java.lang.reflect.AccessFlag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Run by the ./talent launcher (java UpgradeClassFiles.java IN.jar OUT.jar) before it makes the JDK's
 * ahead-of-time cache: writes a copy of talent.jar whose class files older than Java 6 (picocli's: it is compiled
 * for Java 5) are rewritten as Java 8 class files with stack maps (JDK 25's ClassFile API regenerates the code of
 * every method; the bytecode is the same). The JDK leaves pre-Java-6 classes out of an AOT cache, and picocli's
 * are most of what a short talent command loads. Every rewritten class is verified; if one fails, nothing is
 * written (exit 1) and the launcher uses talent.jar as it is.
 */
public final class UpgradeClassFiles {
    private static final int JAVA_6 = 50;
    private static final int JAVA_8 = 52;

    public static void main(String[] args) throws IOException {
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(in))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) entries.put(e.getName(), zip.readAllBytes());
        }
        // the jar's own class hierarchy, for the stack maps (the JDK's classes come from the default resolver)
        Map<ClassDesc, ClassHierarchyResolver.ClassHierarchyInfo> hierarchy = new HashMap<>();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            if (!e.getKey().endsWith(".class") || e.getKey().startsWith("META-INF/")) continue;
            ClassModel m = ClassFile.of().parse(e.getValue());
            hierarchy.put(m.thisClass().asSymbol(), m.flags().has(AccessFlag.INTERFACE)
                    ? ClassHierarchyResolver.ClassHierarchyInfo.ofInterface()
                    : ClassHierarchyResolver.ClassHierarchyInfo.ofClass(m.superclass().map(c -> c.asSymbol()).orElse(null)));
        }
        ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                ClassHierarchyResolver.defaultResolver().orElse(hierarchy::get)), ClassFile.StackMapsOption.GENERATE_STACK_MAPS);
        ClassTransform version = (builder, element) -> {
            if (element instanceof ClassFileVersion) builder.withVersion(JAVA_8, 0);
            else builder.with(element);
        };
        ClassTransform upgrade = ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL).andThen(version);
        int upgraded = 0;
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            if (!e.getKey().endsWith(".class") || e.getKey().startsWith("META-INF/")) continue;
            ClassModel m = cf.parse(e.getValue());
            if (m.majorVersion() >= JAVA_6) continue;
            byte[] rewritten = cf.transformClass(m, upgrade);
            List<VerifyError> errors = cf.verify(rewritten);
            if (!errors.isEmpty()) {
                System.err.println("UpgradeClassFiles: " + e.getKey() + ": " + errors.getFirst().getMessage());
                System.exit(1);
            }
            e.setValue(rewritten);
            upgraded++;
        }
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        System.err.println("UpgradeClassFiles: " + upgraded + " class files rewritten");
    }
}
