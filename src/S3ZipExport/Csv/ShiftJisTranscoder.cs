using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Unicode;

namespace S3ZipExport.Csv;

/// <summary>
/// Writes UTF-8 field bytes as Windows code page 932, streaming: a field is decoded to UTF-16 in chunks of at most
/// <see cref="ChunkChars"/> chars and each chunk encoded straight into the pipe, so memory does not grow with a field
/// or a file (one 8 KiB char buffer per writer). ASCII is the same bytes in CP932 and is copied as it is.
/// A character CP932 has no code for becomes <c>?</c> and is counted in <see cref="Unencodable"/>.
/// </summary>
internal sealed class ShiftJisTranscoder
{
    public const int ChunkChars = 4096;

    // JIS X 0208 text from macOS, Linux and Java's "Shift_JIS" uses these code points where Windows uses the
    // look-alikes on the right for the same CP932 bytes; the best known is the wave dash of "19:00〜21:00".
    // Mapping them keeps the glyph the writer meant instead of a '?' (the "wave dash problem").
    private const string JisCodePoints = "\u301C\u2212\u2016\u2014\u00A2\u00A3\u00AC";
    private const string WindowsCodePoints = "\uFF5E\uFF0D\u2225\u2015\uFFE0\uFFE1\uFFE2";
    private static readonly SearchValues<char> JisOnly = SearchValues.Create(JisCodePoints);

    private readonly CountingReplacementFallback _fallback = new();
    private readonly Encoder _encoder;
    private readonly char[] _chars = new char[ChunkChars];

    public ShiftJisTranscoder()
    {
        _encoder = CodePagesEncodingProvider.Instance.GetEncoding(932, _fallback, DecoderFallback.ReplacementFallback)!.GetEncoder();
    }

    /// <summary>Characters written as <c>?</c> so far.</summary>
    public long Unencodable => _fallback.Count;

    /// <summary>The code point of the last character counted in <see cref="Unencodable"/>.</summary>
    public int LastUnencodable => _fallback.Last;

    /// <summary>Writes valid UTF-8 as CP932; returns the number of bytes written.</summary>
    public int Write(ReadOnlySpan<byte> utf8, PipeWriter output)
    {
        if (Ascii.IsValid(utf8))
        {
            output.Write(utf8);
            return utf8.Length;
        }
        var total = 0;
        while (!utf8.IsEmpty)
        {
            // Stops at a whole character when the buffer is full: a surrogate pair is never split between chunks.
            Utf8.ToUtf16(utf8, _chars, out var read, out var decoded);
            utf8 = utf8[read..];
            var chars = _chars.AsSpan(0, decoded);
            ReplaceJisCodePoints(chars);
            while (true)
            {
                // CP932 needs at most 2 bytes a char, and the fallback writes 1 byte for a char or a pair.
                var target = output.GetSpan(chars.Length * 2 + 2);
                _encoder.Convert(chars, target, flush: true, out var used, out var written, out var completed);
                output.Advance(written);
                total += written;
                chars = chars[used..];
                if (completed) break;
            }
        }
        return total;
    }

    /// <summary>The first character of <paramref name="text"/> that CP932 cannot encode, or null.</summary>
    public static int? FindUnencodable(string text)
    {
        var fallback = new CountingReplacementFallback();
        var chars = text.ToCharArray();
        ReplaceJisCodePoints(chars);
        CodePagesEncodingProvider.Instance.GetEncoding(932, fallback, DecoderFallback.ReplacementFallback)!.GetBytes(chars);
        return fallback.Count > 0 ? fallback.First : null;
    }

    private static void ReplaceJisCodePoints(Span<char> chars)
    {
        int i;
        while ((i = chars.IndexOfAny(JisOnly)) >= 0)
        {
            chars[i] = WindowsCodePoints[JisCodePoints.IndexOf(chars[i])];
            chars = chars[(i + 1)..];
        }
    }

    /// <summary>Like the replacement fallback with "?", but counts: one per character (a surrogate pair is one).</summary>
    private sealed class CountingReplacementFallback : EncoderFallback
    {
        public long Count;
        public int First = -1, Last = -1;

        public override int MaxCharCount => 1;
        public override EncoderFallbackBuffer CreateFallbackBuffer() => new Buffer(this);

        private void Add(int codePoint)
        {
            if (Count++ == 0) First = codePoint;
            Last = codePoint;
        }

        private sealed class Buffer(CountingReplacementFallback owner) : EncoderFallbackBuffer
        {
            private enum State { Empty, Pending, Returned }
            private State _state;

            public override bool Fallback(char charUnknown, int index)
            {
                owner.Add(charUnknown);
                _state = State.Pending;
                return true;
            }

            public override bool Fallback(char charUnknownHigh, char charUnknownLow, int index)
            {
                owner.Add(char.ConvertToUtf32(charUnknownHigh, charUnknownLow));
                _state = State.Pending;
                return true;
            }

            public override char GetNextChar()
            {
                if (_state != State.Pending) return '\0';
                _state = State.Returned;
                return '?';
            }

            public override bool MovePrevious()
            {
                if (_state != State.Returned) return false;
                _state = State.Pending;
                return true;
            }

            public override int Remaining => _state == State.Pending ? 1 : 0;

            public override void Reset() => _state = State.Empty;
        }
    }
}
