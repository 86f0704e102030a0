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
        assertThat(lab.address(1)).isEqualTo("10.213.0.11");
        assertThat(lab.bridge()).isEqualTo("tfleet0");
        assertThat(lab.netns(2)).isEqualTo("tfleet-h2");
        assertThat(lab.initialCluster()).isEqualTo("h1=https://10.213.0.11:2380,h2=https://10.213.0.12:2380,h3=https://10.213.0.13:2380");
        assertThat(new LabLayout(java.nio.file.Path.of("/tmp/l"), 1, List.of()).etcdEndpoints()).hasSize(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LabLayout(java.nio.file.Path.of("/tmp/l"), 0, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSecondLabOnTheMachineHasNamesAndAddressesOfItsOwn() {
        LabLayout lab = new LabLayout(java.nio.file.Path.of("/tmp/l"), 3, List.of("java"), 4);
        assertThat(lab.bridge()).isEqualTo("tfleet4");
        assertThat(lab.netns(3)).isEqualTo("tfleet4-h3");
        assertThat(List.of(lab.hostLink(1), lab.hostLinkPeer(1), lab.uplink(1), lab.uplinkPeer(1)))
                .containsExactly("tfleet4-h1", "tfleet4-p1", "tfleet4-u1", "tfleet4-v1");
        assertThat(lab.address(2)).isEqualTo("10.213.4.12");
        assertThat(lab.initialCluster()).isEqualTo("h1=https://10.213.4.11:2380,h2=https://10.213.4.12:2380,h3=https://10.213.4.13:2380");
        assertThat(lab.appNetwork().config().network().toString() + "/" + lab.appNetwork().config().prefix()).isEqualTo("10.213.4.0/24");
        assertThat(lab.appSubnet6()).isEqualTo("fd74:616c:656e:2134::/64");
        // lab 0's names are not lab 4's, and no name of one lab is another's
        LabLayout zero = new LabLayout(java.nio.file.Path.of("/tmp/m"), 3, List.of("java"));
        assertThat(zero.owns("tfleet4-h1")).isFalse();
        assertThat(zero.owns("tfleet-h1")).isTrue();
        assertThat(lab.owns("tfleet-h1")).isFalse();
        assertThat(lab.owns("tfleet0")).isFalse();
        assertThat(new LabLayout(java.nio.file.Path.of("/tmp/m"), 1, List.of(), 1).owns("tfleet1-h1")).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LabLayout(java.nio.file.Path.of("/tmp/l"), 1, List.of(), LabLayout.MAX_LABS))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
