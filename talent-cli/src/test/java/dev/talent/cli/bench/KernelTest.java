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
    void kernelListsAreParsedAndUnknownNamesNamed() {
        assertThat(Kernel.parseList(List.of("sieve", " NBODY", "sieve"))).extracting(Kernel::name).containsExactly("sieve", "nbody");
        assertThatThrownBy(() -> Kernel.parseList(List.of("fft"))).hasMessageContaining("fft").hasMessageContaining("mandelbrot");
    }
}
