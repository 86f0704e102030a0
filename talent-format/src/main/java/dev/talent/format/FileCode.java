package dev.talent.format;

/**
 * An enum written to a checkpoint as a number of its own (docs/FORMAT.md, contract.h), never as its declaration
 * order: reordering or adding a constant leaves the file format as it is.
 */
interface FileCode {

    /** The number written in the file. */
    int code();

    /** The constant of {@code type} written as {@code code}, or null when no constant has that code. */
    static <E extends Enum<E> & FileCode> E of(Class<E> type, int code) {
        for (E e : type.getEnumConstants()) if (e.code() == code) return e;
        return null;
    }
}
