package dev.talent.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class KernelTest {

    @Test
    void atScaleOneTheDefaultSizeIsUsed() {
        for (Kernel k : Kernel.ALL) assertThat(k.size(1.0)).isEqualTo(k.defaultSize());
    }

    @Test
    void linearKernelsScaleTheirSizeByTheScale() {
        Kernel nbody = Kernel.named("nbody").orElseThrow();
        assertThat(nbody.size(0.1)).isEqualTo(250_000);
    }

    @Test
    void quadraticKernelsScaleTheirSizeByTheSquareRootSoTheWorkScalesByTheScale() {
        Kernel mandelbrot = Kernel.named("mandelbrot").orElseThrow();
        assertThat(mandelbrot.size(0.25)).isEqualTo(800);
        assertThat(mandelbrot.arguments(0.25)).containsExactly("800");
    }

    @Test
    void aTinyScaleStopsAtTheSmallestSizeTheProgramAccepts() {
        assertThat(Kernel.named("sieve").orElseThrow().size(1e-12)).isEqualTo(2);
    }

    @Test
    void everyKernelHasItsSourceBundled() {
        for (Kernel k : Kernel.ALL) assertThat(Kernel.class.getResource(k.resource())).as(k.resource()).isNotNull();
    }

    @Test
    void theShapesOfIssue11AreAmongTheKernels() {
        // allocation-heavy (binary trees, a linked list) and numeric kernels as people write them (matmul with a
        // declaration before the inner loop, a hash loop in its own function, a stencil)
        assertThat(Kernel.ALL).extracting(Kernel::name).contains("bintrees", "list", "matmul", "hash", "stencil");
        assertThat(Kernel.named("stencil").orElseThrow().size(0.25)).isEqualTo(450);
    }

    @Test
    void kernelListsAreParsedAndUnknownNamesNamed() {
        assertThat(Kernel.parseList(List.of("sieve", " NBODY", "sieve"))).extracting(Kernel::name).containsExactly("sieve", "nbody");
        assertThatThrownBy(() -> Kernel.parseList(List.of("fft"))).hasMessageContaining("fft").hasMessageContaining("mandelbrot");
    }
}
