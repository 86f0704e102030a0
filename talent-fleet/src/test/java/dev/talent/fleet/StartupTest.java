package dev.talent.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StartupTest {
    @Test
    void triesAgainUntilTheStepSucceedsAndSaysWhy() throws Exception {
        List<String> events = new ArrayList<>();
        int[] calls = {0};
        String r = Startup.retry(new CountDownLatch(1), events::add, () -> {
            if (++calls[0] < 2) throw new FleetException("etcd is not up");
            return "ok";
        });
        assertThat(r).isEqualTo("ok");
        assertThat(calls[0]).isEqualTo(2);
        assertThat(events).singleElement().asString().contains("etcd is not up").contains("trying again");
    }

    @Test
    void givesUpWhenStopped() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        stop.countDown();
        assertThat(Startup.<String>retry(stop, e -> {}, () -> { throw new FleetException("no"); })).isNull();
    }

    @Test
    void hostNamesSortByTheirNumber() {
        List<String> names = new ArrayList<>(List.of("h10", "h2", "h1", "x"));
        names.sort(Hosts::byNumber);
        assertThat(names).containsExactly("h1", "h2", "h10", "x");
    }

    @Test
    void labLayoutAddressesAndEtcdMembers() {
        LabLayout lab = new LabLayout(java.nio.file.Path.of("/tmp/l"), 5, List.of("java"));
        assertThat(lab.etcdMembers()).isEqualTo(3);
        assertThat(LabLayout.address(1)).isEqualTo("10.213.0.11");
        assertThat(lab.initialCluster()).isEqualTo("h1=https://10.213.0.11:2380,h2=https://10.213.0.12:2380,h3=https://10.213.0.13:2380");
        assertThat(new LabLayout(java.nio.file.Path.of("/tmp/l"), 1, List.of()).etcdEndpoints()).hasSize(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LabLayout(java.nio.file.Path.of("/tmp/l"), 0, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
