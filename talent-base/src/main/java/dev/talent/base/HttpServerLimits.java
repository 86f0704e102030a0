package dev.talent.base;

/**
 * Bounds the JDK HTTP server ({@code com.sun.net.httpserver}), which by default waits for a request and keeps
 * connections without limit (a client that connects and then stalls holds its connection for ever): 30 s per
 * request, 90 s per answer, 256 connections. The server reads these once per JVM, when its first instance starts,
 * so every talent HTTP server ({@code --metrics}, the controllers' {@code --alerts}) calls {@link #apply()} before it
 * starts. A value given on the command line ({@code -D}) is kept.
 */
public final class HttpServerLimits {
    private HttpServerLimits() {}

    public static void apply() {
        setIfAbsent("sun.net.httpserver.maxReqTime", "30");
        setIfAbsent("sun.net.httpserver.maxRspTime", "90");
        setIfAbsent("jdk.httpserver.maxConnections", "256");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }
}
