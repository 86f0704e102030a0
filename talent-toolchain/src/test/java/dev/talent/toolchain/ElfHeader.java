package dev.talent.toolchain;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Just enough ELF reading for tests: word size and whether the file asks for a dynamic loader. */
record ElfHeader(int pointerBits, ByteOrder byteOrder, boolean hasInterpreter) {

    private static final int PT_INTERP = 3;

    static ElfHeader read(Path file) throws IOException {
        ByteBuffer elf = ByteBuffer.wrap(Files.readAllBytes(file));
        if (elf.getInt(0) != 0x7f454c46) throw new IOException(file + " is not ELF");
        boolean is64 = elf.get(4) == 2;
        elf.order(elf.get(5) == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        long phoff = is64 ? elf.getLong(0x20) : Integer.toUnsignedLong(elf.getInt(0x1C));
        int phentsize = Short.toUnsignedInt(elf.getShort(is64 ? 0x36 : 0x2A));
        int phnum = Short.toUnsignedInt(elf.getShort(is64 ? 0x38 : 0x2C));
        boolean interp = false;
        for (int i = 0; i < phnum; i++) {
            if (elf.getInt((int) (phoff + (long) i * phentsize)) == PT_INTERP) interp = true;
        }
        return new ElfHeader(is64 ? 64 : 32, elf.order(), interp);
    }
}
