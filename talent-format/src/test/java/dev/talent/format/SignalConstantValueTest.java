package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** FUNCPTR values holding SIG_IGN (tag 7) or SIG_ERR (tag 8): read, written and shown; another tag refused. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class SignalConstantValueTest {

    @Test
    void handlerConstantsAreReadBackAsWritten() throws CorruptCheckpointException {
        byte[] file = ForgedCorpus.valid().get("signal-constants.tck");
        Checkpoint c = CheckpointReader.read(file, "signal-constants.tck");
        assertThat(c.globals()).filteredOn(g -> g.key().equals("handler")).singleElement()
                .extracting(GlobalVar::value).isEqualTo(Value.SignalConstant.IGNORE);
        assertThat(c.globals()).filteredOn(g -> g.key().equals("no_handler")).singleElement()
                .extracting(GlobalVar::value).isEqualTo(Value.SignalConstant.ERROR);
        assertThat(CheckpointWriter.write(c)).isEqualTo(file);
        assertThat(InspectRenderer.text(c)).contains("handler : int (*)(int) = SIG_IGN").contains("no_handler : int (*)(int) = SIG_ERR");
    }

    /** A member not written yet at the checkpoint: INDETERMINATE (tag 6), read back, written and shown as such. */
    @Test
    void anIndeterminateFunctionPointerIsReadBackAsWritten() throws CorruptCheckpointException {
        byte[] file = ForgedCorpus.valid().get("function-pointer-indeterminate.tck");
        Checkpoint c = CheckpointReader.read(file, "function-pointer-indeterminate.tck");
        assertThat(c.globals()).filteredOn(g -> g.key().equals("handler")).singleElement()
                .extracting(GlobalVar::value).isEqualTo(Value.Indeterminate.INSTANCE);
        assertThat(CheckpointWriter.write(c)).isEqualTo(file);
        assertThat(InspectRenderer.text(c)).contains("handler : int (*)(int) = (indeterminate)");
        byte[] tag5 = ForgedCorpus.forged().get("value-function-pointer-tag-5.tck");
        assertThatThrownBy(() -> CheckpointReader.read(tag5, "tag-5")).isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("found 5");
    }

    @Test
    void onlyTheTwoConstantsExist() {
        assertThatThrownBy(() -> new Value.SignalConstant("SIG_DFL")).isInstanceOf(IllegalArgumentException.class);
        byte[] file = ForgedCorpus.forged().get("value-function-pointer-tag-9.tck");
        assertThatThrownBy(() -> CheckpointReader.read(file, "tag-9")).isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("function pointer tag must be 0 (NULL), 4 (FUNCTION), 6 (INDETERMINATE), 7 (SIG_IGN) or 8 (SIG_ERR), found 9");
    }
}
