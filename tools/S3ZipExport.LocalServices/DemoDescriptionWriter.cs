using System.Buffers;
using System.Buffers.Text;

namespace S3ZipExport.LocalServices;

/// <summary>
/// Writes one event's description: HTML (headings, paragraphs, lists, links, a timetable) of Japanese sentences
/// composed word by word from <see cref="DemoWords"/> with the event's <see cref="DemoRandom"/>, as the body of a
/// JSON string, escaped (quotes, newlines) from fragments escaped once. The text includes quotes, commas and
/// newlines, so every CSV quoting rule and multi-byte path is exercised, and varies like real descriptions, so
/// its CSV deflates about as well as real Connpass data does (see DemoWords).
/// </summary>
internal sealed class DemoDescriptionWriter
{
    private static readonly JsonFragment[] Kanji = JsonFragment.All(DemoWords.Kanji);
    private static readonly JsonFragment[] KanjiCharacters = JsonFragment.All(DemoWords.KanjiCharacters.Select(c => c.ToString()));
    private static readonly JsonFragment[] Katakana = JsonFragment.All(DemoWords.Katakana);
    private static readonly JsonFragment[] Ascii = JsonFragment.All(DemoWords.Ascii);
    private static readonly JsonFragment[] Adjectives = JsonFragment.All(DemoWords.Adjectives);
    private static readonly JsonFragment[] Adverbs = JsonFragment.All(DemoWords.Adverbs);
    private static readonly JsonFragment[] Particles = JsonFragment.All(DemoWords.Particles);
    private static readonly JsonFragment[] Endings = JsonFragment.All(DemoWords.Endings);
    private static readonly JsonFragment[] Headings = JsonFragment.All(DemoWords.Headings.Select(h => $"<h2>{h}</h2>\n"));
    private static readonly JsonFragment[] Boilerplate = JsonFragment.All(DemoWords.Boilerplate);
    private static readonly JsonFragment[] Units = JsonFragment.All(DemoWords.Units);
    private static readonly JsonFragment[] Domains = JsonFragment.All(DemoWords.Domains);
    private static readonly JsonFragment[] PathWords = JsonFragment.All(DemoWords.PathWords);

    private static readonly JsonFragment ParagraphStart = JsonFragment.Of("<p>");
    private static readonly JsonFragment ParagraphEnd = JsonFragment.Of("</p>\n");
    private static readonly JsonFragment ListStart = JsonFragment.Of("<ul>\n");
    private static readonly JsonFragment ListEnd = JsonFragment.Of("</ul>\n");
    private static readonly JsonFragment ItemStart = JsonFragment.Of("<li>");
    private static readonly JsonFragment ItemEnd = JsonFragment.Of("</li>\n");
    private static readonly JsonFragment StrongStart = JsonFragment.Of("<strong>");
    private static readonly JsonFragment StrongEnd = JsonFragment.Of("</strong>");
    private static readonly JsonFragment CodeStart = JsonFragment.Of("<code>");
    private static readonly JsonFragment CodeEnd = JsonFragment.Of("</code>");
    private static readonly JsonFragment LinkStart = JsonFragment.Of("<a href=\"https://");
    private static readonly JsonFragment LinkMiddle = JsonFragment.Of("\">");
    private static readonly JsonFragment LinkEnd = JsonFragment.Of("</a>");
    private static readonly JsonFragment Slash = JsonFragment.Of("/");
    private static readonly JsonFragment Quote = JsonFragment.Of("\"");
    private static readonly JsonFragment Comma = JsonFragment.Of(", ");
    private static readonly JsonFragment Dash = JsonFragment.Of(" - ");
    private static readonly JsonFragment Space = JsonFragment.Of(" ");
    private static readonly JsonFragment Break = JsonFragment.Of("<br>\n");

    // How often (in 16ths, against the word-list phrases) a noun phrase is kanji drawn one character at a time:
    // this sets how well the text compresses (see DemoWords).
    private const int CharacterPhraseWeight = 0;

    private readonly ArrayBufferWriter<byte> _output = new(8192);
    private int _textBytes;

    /// <summary>The description's text, as a JSON string literal with its quotes, ready for WriteRawValue.</summary>
    public ReadOnlySpan<byte> Write(ref DemoRandom random, int minBytes, int maxBytes)
    {
        _output.ResetWrittenCount();
        _textBytes = 0;
        _output.Write("\""u8);
        var target = random.Next(minBytes, maxBytes);
        var timetable = false;
        while (_textBytes < target)
        {
            Append(random.Pick(Headings));
            switch (random.Next(10))
            {
                case < 4: Paragraph(ref random, target); break;
                case < 6: List(ref random, target); break;
                case < 8: Append(random.Pick(Boilerplate)); break;
                case 8 when !timetable: Timetable(ref random); timetable = true; break;
                default: Links(ref random); break;
            }
        }
        _output.Write("\""u8);
        return _output.WrittenSpan;
    }

    private void Paragraph(ref DemoRandom random, int target)
    {
        Append(ParagraphStart);
        for (var n = random.Next(2, 7); n > 0 && _textBytes < target; n--)
        {
            Sentence(ref random);
            if (random.Next(6) == 0) Append(Break);
        }
        Append(ParagraphEnd);
    }

    private void List(ref DemoRandom random, int target)
    {
        Append(ListStart);
        for (var n = random.Next(3, 7); n > 0 && _textBytes < target; n--)
        {
            Append(ItemStart);
            if (random.Next(2) == 0) Sentence(ref random);
            else
            {
                NounPhrase(ref random);
                Append(random.PickCommon(Particles));
                NounPhrase(ref random);
            }
            Append(ItemEnd);
        }
        Append(ListEnd);
    }

    private void Timetable(ref DemoRandom random)
    {
        Append(ListStart);
        var minutes = random.Next(10, 20) * 60 + random.Next(4) * 15;
        for (var n = random.Next(3, 7); n > 0; n--)
        {
            Append(ItemStart);
            Time(minutes);
            Append(Dash);
            minutes += random.Next(1, 7) * 5;
            Time(minutes);
            Append(Space);
            NounPhrase(ref random);
            Append(ItemEnd);
        }
        Append(ListEnd);
    }

    private void Links(ref DemoRandom random)
    {
        Append(ParagraphStart);
        Sentence(ref random);
        Append(Break);
        Append(LinkStart);
        Append(random.Pick(Domains));
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            Append(Slash);
            Append(random.PickCommon(PathWords));
        }
        Append(Slash);
        Hex(random.NextUInt64() >> 32);
        Append(LinkMiddle);
        NounPhrase(ref random);
        Append(LinkEnd);
        Append(ParagraphEnd);
    }

    /// <summary>One to three clauses ("[adverb] noun-phrase particle"), then a noun phrase and an ending.</summary>
    private void Sentence(ref DemoRandom random)
    {
        for (var clauses = random.Next(1, 4); clauses > 0; clauses--)
        {
            if (random.Next(4) == 0) Append(random.PickCommon(Adverbs));
            NounPhrase(ref random);
            Append(random.PickCommon(Particles));
        }
        NounPhrase(ref random);
        Append(random.PickCommon(Endings));
    }

    private void NounPhrase(ref DemoRandom random)
    {
        if (random.Next(4) == 0) Append(random.PickCommon(Adjectives));
        switch (random.Next(16 + CharacterPhraseWeight))
        {
            case >= 16:
                for (var n = random.Next(2, 5); n > 0; n--) Append(random.Pick(KanjiCharacters));
                break;
            case < 3: Append(random.PickCommon(Kanji)); Append(random.PickCommon(Katakana)); break;
            case < 5: Append(random.PickCommon(Kanji)); Append(random.PickCommon(Kanji)); break;
            case < 8: Append(random.PickCommon(Katakana)); break;
            case < 10: Append(random.PickCommon(Katakana)); Append(random.PickCommon(Kanji)); break;
            case 10: Append(Quote); Append(random.PickCommon(Ascii)); Append(Quote); break;
            case 11: Append(CodeStart); Append(random.PickCommon(Ascii)); Append(CodeEnd); break;
            case 12: Append(StrongStart); Append(random.PickCommon(Katakana)); Append(StrongEnd); break;
            case 13: Append(random.PickCommon(Ascii)); Append(Comma); Append(random.PickCommon(Ascii)); break;
            case 14: Number(random.Next(1, 10_000)); Append(random.PickCommon(Units)); break;
            default: Append(random.PickCommon(Ascii)); Append(Space); Append(random.PickCommon(Kanji)); break;
        }
    }

    private void Append(JsonFragment fragment)
    {
        _output.Write(fragment.Escaped);
        _textBytes += fragment.Utf8Bytes;
    }

    /// <summary>Digits with thousands separators ("12,345"): ASCII, so no escaping.</summary>
    private void Number(int value)
    {
        var span = _output.GetSpan(16);
        Utf8Formatter.TryFormat(value, span, out var written, new StandardFormat('N', 0));
        Advance(written);
    }

    private void Time(int minutes)
    {
        var span = _output.GetSpan(8);
        Utf8Formatter.TryFormat(minutes / 60, span, out var h, new StandardFormat('D', 2));
        span[h] = (byte)':';
        Utf8Formatter.TryFormat(minutes % 60, span[(h + 1)..], out var m, new StandardFormat('D', 2));
        Advance(h + 1 + m);
    }

    private void Hex(ulong value)
    {
        var span = _output.GetSpan(16);
        Utf8Formatter.TryFormat(value, span, out var written, new StandardFormat('x', 8));
        Advance(written);
    }

    private void Advance(int asciiBytesWritten)
    {
        _output.Advance(asciiBytesWritten);
        _textBytes += asciiBytesWritten;
    }
}
