package dev.minitape.nn.io;

import java.nio.ByteBuffer;
import java.util.Set;

/**
 * The safetensors element types minitape can load, each with its size in bytes and its conversion to
 * float32 (little-endian, as the format requires). Files are written as {@link #F32} only.
 */
enum DType {
    F32(4), F16(2), BF16(2), F64(8);

    /** The other dtype names the format defines: recognized, so the error can say "not supported". */
    static final Set<String> UNSUPPORTED = Set.of("BOOL", "U8", "I8", "I16", "U16", "I32", "U32", "I64", "U64",
            "F8_E4M3", "F8_E5M2", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64");

    final int size;

    DType(int size) {
        this.size = size;
    }

    /** The dtype named {@code name}, or null if minitape cannot load it. */
    static DType byName(String name) {
        for (DType t : values()) if (t.name().equals(name)) return t;
        return null;
    }

    /** Converts {@code count} elements from {@code src} (little-endian, positioned) into {@code dst[off..]}. */
    void decode(ByteBuffer src, float[] dst, int off, int count) {
        switch (this) {
            case F32 -> src.asFloatBuffer().get(dst, off, count);
            case F64 -> {
                for (int i = 0; i < count; i++) dst[off + i] = (float) src.getDouble(src.position() + 8 * i);
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    dst[off + i] = Float.intBitsToFloat((src.getShort(src.position() + 2 * i) & 0xffff) << 16);
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) dst[off + i] = halfToFloat(src.getShort(src.position() + 2 * i));
            }
        }
    }

    /** IEEE 754 binary16 to float32; exact (every half value is a float). */
    static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));  // inf, NaN
        if (exp == 0) {                                                                   // zero, subnormal
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }
}
