package dev.minitape.nn.io;

import static dev.minitape.nn.io.SafeTensorsBytes.f32;
import static dev.minitape.nn.io.SafeTensorsBytes.file;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.Tensor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every malformed file is a SafeTensorsException whose message names the file and says what is wrong.
 * Each case is a small hand-built file; single quotes in headers stand for double quotes.
 */
class MalformedFilesTest {
    @TempDir
    Path dir;

    private static final String W4 = "'w':{'dtype':'F32','shape':[1],'data_offsets':[0,4]}";

    // ---- the length prefix -------------------------------------------------------------------------------

    @Test
    void anEmptyFile() {
        assertRejected(new byte[0], "the file has 0 bytes, too few to hold the 8-byte header length");
    }

    @Test
    void aFileShorterThan8Bytes() {
        assertRejected(new byte[7], "the file has 7 bytes");
    }

    @Test
    void aHeaderLengthPastTheEndOfTheFile() {
        assertRejected(file(100, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]),
                "the header length 100 reaches past the end of the file (10 bytes, so at most 2 after the length)");
    }

    @Test
    void anAbsurdHeaderLengthIsReadAsUnsigned() {
        assertRejected(file(-1L, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]),
                "the header length 18446744073709551615 reaches past the end of the file");
    }

    @Test
    void aHeaderLengthOver100MbIsRejectedWithoutReadingIt() throws IOException {
        Path big = dir.resolve("big.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(150_000_016L);                                         // sparse: no disk, no memory
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(150_000_000L).array());
        }
        assertRejected(big, "the header length 150000000 is over the 100 MB limit");
    }

    @Test
    void aHeaderLengthOneBytePastTheEndOfTheFile() {
        assertRejected(file(3, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]),
                "the header length 3 reaches past the end of the file (10 bytes, so at most 2 after the length)");
    }

    // ---- the header as text and JSON ------------------------------------------------------------------

    @Test
    void aHeaderThatIsNotUtf8() {
        byte[] header = {'{', '"', (byte) 0xc3, (byte) 0x28, '"', ':', '1', '}'};
        assertRejected(file(header.length, header, new byte[0]), "the header is not valid UTF-8");
    }

    @Test
    void aHeaderThatIsNotJson() {
        assertRejected(file("{'w': }", new byte[0]), "the header is not valid JSON");
    }

    @Test
    void aHeaderThatIsAnArrayNotAnObject() {
        assertRejected(file("[1, 2]", new byte[0]), "the header must be a JSON object starting with '{', but it starts with '[1, 2]'");
    }

    @Test
    void anEmptyHeader() {
        assertRejected(file("", new byte[0]), "the header must be a JSON object");
    }

    @Test
    void contentAfterTheHeadersObject() {
        assertRejected(file("{} {}", new byte[0]), "unexpected content after the header's JSON object at character 3");
    }

    @Test
    void aHeaderObjectThatIsNotClosed() {
        assertRejected(file("{" + W4, f32(1)), "the header is not valid JSON");
    }

    // ---- each tensor's fields ------------------------------------------------------------------------

    @Test
    void aTensorThatIsNotAnObject() {
        assertRejected(file("{'w': 3}", new byte[0]), "tensor 'w' must be an object with dtype, shape and data_offsets, got 3");
    }

    @Test
    void aMissingField() {
        assertRejected(file("{'w':{'dtype':'F32','shape':[1]}}", f32(1)), "tensor 'w' lacks field(s) [data_offsets]");
    }

    @Test
    void anExtraField() {
        assertRejected(file("{'w':{'dtype':'F32','shape':[1],'data_offsets':[0,4],'stride':[1]}}", f32(1)),
                "tensor 'w' has unexpected field 'stride' (a tensor has exactly dtype, shape and data_offsets)");
    }

    @Test
    void aRepeatedField() {
        assertRejected(file("{'w':{'dtype':'F32','dtype':'F32','shape':[1],'data_offsets':[0,4]}}", f32(1)),
                "tensor 'w' has field 'dtype' twice");
    }

    @Test
    void eachMissingFieldIsNamed() {
        assertRejected(file("{'w':{'shape':[1],'data_offsets':[0,4]}}", f32(1)), "tensor 'w' lacks field(s) [dtype]");
        assertRejected(file("{'w':{'dtype':'F32','data_offsets':[0,4]}}", f32(1)), "tensor 'w' lacks field(s) [shape]");
    }

    @Test
    void aRepeatedShapeOrDataOffsets() {
        assertRejected(file("{'w':{'dtype':'F32','shape':[1],'shape':[1],'data_offsets':[0,4]}}", f32(1)),
                "tensor 'w' has field 'shape' twice");
        assertRejected(file("{'w':{'dtype':'F32','shape':[1],'data_offsets':[0,4],'data_offsets':[0,4]}}", f32(1)),
                "tensor 'w' has field 'data_offsets' twice");
    }

    @Test
    void anUnknownDtype() {
        assertRejected(file("{'w':{'dtype':'F33','shape':[1],'data_offsets':[0,4]}}", f32(1)),
                "tensor 'w' has unknown dtype 'F33'");
    }

    @Test
    void aDtypeMinitapeCannotLoad() {
        assertRejected(file("{'ids':{'dtype':'I64','shape':[1],'data_offsets':[0,8]}}", new byte[8]),
                "tensor 'ids' has dtype I64, which minitape cannot load (it loads [F32, F16, BF16, F64])");
    }

    @Test
    void aDtypeThatIsNotAString() {
        assertRejected(file("{'w':{'dtype':32,'shape':[1],'data_offsets':[0,4]}}", f32(1)),
                "tensor 'w': dtype must be a string, got 32");
    }

    @Test
    void aNegativeDimension() {
        assertRejected(file("{'w':{'dtype':'F32','shape':[-1],'data_offsets':[0,4]}}", f32(1)),
                "tensor 'w': shape dimension -1 is negative");
    }

    @Test
    void aFractionalDimension() {
        assertRejected(file("{'w':{'dtype':'F32','shape':[1.5],'data_offsets':[0,4]}}", f32(1)),
                "tensor 'w': shape dimension must be an integer, got 1.5");
    }

    @Test
    void aDimensionBeyond64Bits() {
        assertRejected(file("{'w':{'dtype':'F32','shape':[99999999999999999999],'data_offsets':[0,4]}}", f32(1)),
                "tensor 'w': shape dimension 99999999999999999999 is too large");
    }

    @Test
    void aDimensionBeyondAnInt() {
        assertRejected(file("{'w':{'dtype':'F32','shape':[3000000000],'data_offsets':[0,4]}}", f32(1)),
                "tensor 'w': shape dimension 3000000000 is too large for a minitape tensor");
    }

    @Test
    void anElementCountThatOverflows() {
        assertRejected(file("{'w':{'dtype':'F32','shape':[2147483647,2147483647,2147483647,8],'data_offsets':[0,4]}}", f32(1)),
                "tensor 'w': the element count of shape [2147483647, 2147483647, 2147483647, 8] overflows");
    }

    @Test
    void aByteCountThatOverflowsOnlyOnceMultipliedByTheDtypeSize() {
        assertRejected(file("{'w':{'dtype':'F64','shape':[1073741824,1073741824,4],'data_offsets':[0,4]}}", f32(1)),
                "overflows");
    }

    @Test
    void aShapeThatIsNotAnArray() {
        assertRejected(file("{'w':{'dtype':'F32','shape':'1','data_offsets':[0,4]}}", f32(1)),
                "tensor 'w': shape must be an array, got the string '1'");
    }

    // ---- byte ranges -----------------------------------------------------------------------------------

    @Test
    void offsetsPastTheEndOfTheBuffer() {
        assertRejected(file("{'w':{'dtype':'F32','shape':[2],'data_offsets':[0,8]}}", f32(1)),
                "tensor 'w': data_offsets [0, 8] reach past the end of the 4-byte data buffer");
    }

    @Test
    void reversedOffsets() {
        assertRejected(file("{'w':{'dtype':'F32','shape':[1],'data_offsets':[4,0]}}", f32(1)),
                "tensor 'w': data_offsets [4, 0] are reversed (begin > end)");
    }

    @Test
    void offsetsThatAreNotAPair() {
        assertRejected(file("{'w':{'dtype':'F32','shape':[1],'data_offsets':[0]}}", f32(1)),
                "tensor 'w': data_offsets must have exactly 2 numbers [begin, end], got 1");
        assertRejected(file("{'w':{'dtype':'F32','shape':[1],'data_offsets':[0,4,8]}}", f32(1, 2)),
                "tensor 'w': data_offsets must have exactly 2 numbers [begin, end], got more");
    }

    @Test
    void offsetsThatAreNotAnArray() {
        assertRejected(file("{'w':{'dtype':'F32','shape':[1],'data_offsets':4}}", f32(1)),
                "tensor 'w': data_offsets must be an array [begin, end], got 4");
    }

    @Test
    void negativeOffsets() {
        assertRejected(file("{'w':{'dtype':'F32','shape':[1],'data_offsets':[-4,0]}}", f32(1)),
                "tensor 'w': data_offsets value -4 is negative");
    }

    @Test
    void aByteCountThatDisagreesWithShapeAndDtype() {
        assertRejected(file("{'w':{'dtype':'F32','shape':[2],'data_offsets':[0,4]}}", f32(1)),
                "tensor 'w': shape [2] of F32 needs 2 × 4 = 8 bytes, but data_offsets [0, 4] span 4");
    }

    @Test
    void aByteCountThatDisagreesAfterTheFirstTensor() {
        assertRejected(file("{" + W4 + ",'b':{'dtype':'F32','shape':[2],'data_offsets':[4,8]}}", f32(1, 2)),
                "tensor 'b': shape [2] of F32 needs 2 × 4 = 8 bytes, but data_offsets [4, 8] span 4");
    }

    @Test
    void overlappingTensors() {
        assertRejected(file("{'a':{'dtype':'F32','shape':[2],'data_offsets':[0,8]},"
                        + "'b':{'dtype':'F32','shape':[2],'data_offsets':[4,12]}}", f32(1, 2, 3)),
                "data_offsets of tensor 'b' [4, 12] overlap those of tensor 'a' [0, 8]");
    }

    @Test
    void twoNamesForTheSameBytes() {
        assertRejected(file("{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4]},"
                        + "'b':{'dtype':'F32','shape':[1],'data_offsets':[0,4]}}", f32(1)),
                "overlap those of tensor");
    }

    @Test
    void aHoleBetweenTensors() {
        assertRejected(file("{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4]},"
                        + "'b':{'dtype':'F32','shape':[1],'data_offsets':[8,12]}}", f32(1, 2, 3)),
                "bytes [4, 8) of the data buffer belong to no tensor (safetensors requires the tensors to cover the buffer with no holes)");
    }

    @Test
    void aHoleAtTheStartOfTheBuffer() {
        assertRejected(file("{'a':{'dtype':'F32','shape':[1],'data_offsets':[4,8]}}", f32(1, 2)),
                "bytes [0, 4) of the data buffer belong to no tensor");
    }

    @Test
    void bytesAfterTheLastTensor() {
        assertRejected(file("{" + W4 + "}", f32(1, 2)), "bytes [4, 8) at the end of the data buffer belong to no tensor");
    }

    @Test
    void dataButNoTensors() {
        assertRejected(file("{}", f32(1)), "bytes [0, 4) at the end of the data buffer belong to no tensor");
    }

    // ---- names and metadata --------------------------------------------------------------------------

    @Test
    void duplicateTensorNames() {
        assertRejected(file("{" + W4 + "," + W4 + "}", f32(1)), "duplicate name 'w' in the header");
    }

    @Test
    void metadataThatIsNotAnObject() {
        assertRejected(file("{'__metadata__':['a']}", new byte[0]), "'__metadata__' must be an object of strings, got an array");
    }

    @Test
    void metadataWithANonStringValue() {
        assertRejected(file("{'__metadata__':{'step':100}}", new byte[0]),
                "'__metadata__' value of 'step' must be a string, got 100");
    }

    @Test
    void metadataWithADuplicateKey() {
        assertRejected(file("{'__metadata__':{'a':'1','a':'2'}}", new byte[0]), "duplicate key 'a' in '__metadata__'");
    }

    @Test
    void twoMetadataObjects() {
        assertRejected(file("{'__metadata__':{},'__metadata__':{}}", new byte[0]), "duplicate name '__metadata__'");
    }

    @Test
    void aLongNameIsQuotedWholeUpTo60CharactersAndClippedBeyond() {
        String sixty = "n".repeat(60), sixtyOne = "n".repeat(61);
        assertRejected(file("{'" + sixty + "': 3}", new byte[0]), "tensor '" + sixty + "' must be an object");
        assertRejected(file("{'" + sixtyOne + "': 3}", new byte[0]), "tensor '" + sixty + "...(61 chars)' must be an object");
    }

    // ---- and a well-formed neighbour of all of the above, for contrast ---------------------------------

    @Test
    void theWellFormedBaselineReads() throws IOException {
        Path p = SafeTensorsBytes.write(dir, "ok.safetensors",
                file("{'__metadata__':{'a':'b'}," + W4 + "}  ", f32(42)));
        TensorFile f = SafeTensors.read(p);
        assertEquals(42f, f.tensors().get("w").toArray()[0]);
        assertEquals("b", f.metadata().get("a"));
    }

    @Test
    void tensorsListedOutOfOffsetOrderRead() throws IOException {
        Path p = SafeTensorsBytes.write(dir, "shuffled.safetensors", file("{"
                + "'second':{'dtype':'F32','shape':[1],'data_offsets':[4,8]},"
                + "'first':{'dtype':'F32','shape':[1],'data_offsets':[0,4]}}", f32(1, 2)));
        TensorFile f = SafeTensors.read(p);
        assertEquals(1f, f.tensors().get("first").item());
        assertEquals(2f, f.tensors().get("second").item());
    }

    @Test
    void aTensorOfRank9Reads() throws IOException {
        Path p = SafeTensorsBytes.write(dir, "rank9.safetensors",
                file("{'w':{'dtype':'F32','shape':[1,1,1,1,2,1,1,1,1],'data_offsets':[0,8]}}", f32(5, 6)));
        Tensor w = SafeTensors.read(p).tensors().get("w");
        assertArrayEquals(new int[] {1, 1, 1, 1, 2, 1, 1, 1, 1}, w.shape());
        assertArrayEquals(new float[] {5, 6}, w.toArray());
    }

    private void assertRejected(byte[] bytes, String expected) {
        assertRejected(SafeTensorsBytes.write(dir, "bad.safetensors", bytes), expected);
    }

    private static void assertRejected(Path file, String expected) {
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(file));
        String message = e.getMessage();
        assertTrue(message.startsWith(file + ": "), "names the file: " + message);
        assertTrue(message.contains(expected), "expected «" + expected + "» in: " + message);
    }
}
