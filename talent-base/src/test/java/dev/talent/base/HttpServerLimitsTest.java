package dev.talent.base;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class HttpServerLimitsTest {
    @Test
    void boundsTheJdkServerAndKeepsAValueGivenWithD() {
        String given = System.getProperty("sun.net.httpserver.maxRspTime");
        System.clearProperty("sun.net.httpserver.maxReqTime");
        System.clearProperty("jdk.httpserver.maxConnections");
        System.setProperty("sun.net.httpserver.maxRspTime", "7");
        try {
            HttpServerLimits.apply();
            assertThat(System.getProperty("sun.net.httpserver.maxReqTime")).isEqualTo("30");
            assertThat(System.getProperty("jdk.httpserver.maxConnections")).isEqualTo("256");
            assertThat(System.getProperty("sun.net.httpserver.maxRspTime")).isEqualTo("7");
        } finally {
            if (given == null) System.clearProperty("sun.net.httpserver.maxRspTime");
            else System.setProperty("sun.net.httpserver.maxRspTime", given);
        }
    }
}
