using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text.Unicode;

namespace S3ZipExport.Records;

/// <summary>
/// Whether bytes are valid UTF-8, as <see cref="Utf8.IsValid(ReadOnlySpan{byte})"/> says, 16 bytes at a time. Written
/// by hand because the exported text of a record is checked whole and the BCL's check is slow on the text APIs send:
/// on Japanese interleaved with HTML tags it keeps switching between its ASCII and multi-byte paths, and took about a
/// fifth of the parse stage's time once the scanner had replaced Utf8JsonReader. This is the lookup algorithm of Keiser and Lemire ("Validating UTF-8 in less than one
/// instruction per byte", Software: Practice and Experience 51(5), 2021; simdjson's and simdutf's), on
/// <see cref="Vector128"/> so that it runs alike on x64 and arm64: three table lookups by nibble classify each pair of
/// adjacent bytes, and the bytes two and three back say where a continuation byte must be. It says only whether the
/// text is valid; where it is not, the caller's slower path finds the first bad byte.
/// </summary>
internal static class Utf8Validator
{
    // The tables are properties, not fields: the JIT makes each a constant, with no class initialization check.
    // Error classes of a pair (previous byte, this byte), one bit each; a pair is invalid when all three lookups
    // (previous byte's high nibble, its low nibble, this byte's high nibble) have a bit in common.
    private const byte TooShort = 1 << 0;      // a lead byte or ASCII, then no continuation where one is due
    private const byte TooLong = 1 << 1;       // ASCII, then a continuation byte
    private const byte Overlong3 = 1 << 2;     // E0 80..9F
    private const byte TooLarge = 1 << 3;      // F4 90..BF, F5..FF then a continuation
    private const byte Surrogate = 1 << 4;     // ED A0..BF
    private const byte Overlong2 = 1 << 5;     // C0, C1
    private const byte TooLarge1000 = 1 << 6;  // F5..FF 80..8F
    private const byte Overlong4 = 1 << 6;     // F0 80..8F
    private const byte TwoContinuations = 1 << 7;
    private const byte Carry = TooShort | TooLong | TwoContinuations;

    private static Vector128<byte> PreviousHigh
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector128.Create(
            TooLong, TooLong, TooLong, TooLong, TooLong, TooLong, TooLong, TooLong,
            TwoContinuations, TwoContinuations, TwoContinuations, TwoContinuations,
            TooShort | Overlong2,
            TooShort,
            TooShort | Overlong3 | Surrogate,
            TooShort | TooLarge | TooLarge1000 | Overlong4);
    }

    private static Vector128<byte> PreviousLow
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector128.Create(
            Carry | Overlong3 | Overlong2 | Overlong4,
            Carry | Overlong2,
            Carry,
            Carry,
            Carry | TooLarge,
            Carry | TooLarge | TooLarge1000,
            Carry | TooLarge | TooLarge1000,
            Carry | TooLarge | TooLarge1000,
            Carry | TooLarge | TooLarge1000,
            Carry | TooLarge | TooLarge1000,
            Carry | TooLarge | TooLarge1000,
            Carry | TooLarge | TooLarge1000,
            Carry | TooLarge | TooLarge1000,
            Carry | TooLarge | TooLarge1000 | Surrogate,
            Carry | TooLarge | TooLarge1000,
            Carry | TooLarge | TooLarge1000);
    }

    private static Vector128<byte> CurrentHigh
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector128.Create(
            TooShort, TooShort, TooShort, TooShort, TooShort, TooShort, TooShort, TooShort,
            TooLong | Overlong2 | TwoContinuations | Overlong3 | TooLarge1000 | Overlong4,
            TooLong | Overlong2 | TwoContinuations | Overlong3 | TooLarge,
            TooLong | Overlong2 | TwoContinuations | Surrogate | TooLarge,
            TooLong | Overlong2 | TwoContinuations | Surrogate | TooLarge,
            TooShort, TooShort, TooShort, TooShort);
    }

    // Bytes before the text and after its end count as ASCII (zero): the last block then shows an unfinished sequence.
    private const int Before = 3;

    public static bool IsValid(ReadOnlySpan<byte> text)
    {
        // Short text: the BCL's check costs little there, and a block needs the three bytes before it.
        if (text.Length < 2 * Vector128<byte>.Count || !Vector128.IsHardwareAccelerated) return Utf8.IsValid(text);

        var errors = Padded(text[..Vector128<byte>.Count], []);
        var at = Vector128<byte>.Count;
        for (; at + Vector128<byte>.Count <= text.Length; at += Vector128<byte>.Count)
        {
            var current = Vector128.Create(text.Slice(at, Vector128<byte>.Count));
            var back3 = Vector128.Create(text.Slice(at - 3, Vector128<byte>.Count));
            if (((current | back3) & Vector128.Create((byte)0x80)) == Vector128<byte>.Zero) continue;   // ASCII, and nothing open before it
            errors |= Block(current, Vector128.Create(text.Slice(at - 1, Vector128<byte>.Count)), Vector128.Create(text.Slice(at - 2, Vector128<byte>.Count)), back3);
        }
        errors |= Padded(text[at..], text[(at - Before)..at]);
        return errors == Vector128<byte>.Zero;
    }

    /// <summary>A block of up to 16 bytes after the given (up to 3) bytes before it, padded with zeros on both sides.</summary>
    private static Vector128<byte> Padded(ReadOnlySpan<byte> block, ReadOnlySpan<byte> before)
    {
        Span<byte> padded = stackalloc byte[Before + Vector128<byte>.Count];
        padded.Clear();
        before.CopyTo(padded[(Before - before.Length)..]);
        block.CopyTo(padded[Before..]);
        return Block(Vector128.Create(padded[Before..]), Vector128.Create(padded[(Before - 1)..]), Vector128.Create(padded[(Before - 2)..]), Vector128.Create(padded));
    }

    /// <summary>The errors of 16 bytes, given the same 16 shifted by one, two and three bytes back.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Block(Vector128<byte> current, Vector128<byte> back1, Vector128<byte> back2, Vector128<byte> back3)
    {
        var lowNibble = Vector128.Create((byte)0x0F);
        var special = Vector128.ShuffleNative(PreviousHigh, Vector128.ShiftRightLogical(back1, 4))
                      & Vector128.ShuffleNative(PreviousLow, back1 & lowNibble)
                      & Vector128.ShuffleNative(CurrentHigh, Vector128.ShiftRightLogical(current, 4));
        // The third byte of a 3- or 4-byte sequence and the fourth of a 4-byte one must be continuations (high bit set
        // in must23); the lookups mark a continuation that follows a continuation, so the two must agree.
        var must23 = Vector128.SubtractSaturate(back2, Vector128.Create((byte)(0xE0 - 0x80)))
                     | Vector128.SubtractSaturate(back3, Vector128.Create((byte)(0xF0 - 0x80)));
        return (must23 & Vector128.Create((byte)0x80)) ^ special;
    }
}
