using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace S3ZipExport.LocalServices;

/// <summary>
/// Writes one Connpass-v2-shaped event, generated from its index alone (a <see cref="Random"/> seeded by the index,
/// whose seeded sequence .NET keeps stable across versions). The description is HTML with Japanese text, quotes,
/// commas and newlines, 1.5–2.5 KB of UTF-8, so every CSV quoting rule and multi-byte path is exercised.
/// </summary>
internal sealed class DemoEventWriter
{
    private const int FirstEventId = 300_000;
    private static readonly DateTimeOffset Epoch = new(2024, 4, 1, 0, 0, 0, TimeSpan.FromHours(9));

    private readonly ArrayBufferWriter<byte> _description = new(4096);

    public void Write(Utf8JsonWriter json, int index)
    {
        var random = new Random(unchecked(index * 7919 + 17));
        var id = FirstEventId + index;
        var topicIndex = random.Next(DemoVocabulary.Topics.Length);
        var topic = DemoVocabulary.Topics[topicIndex];
        var group = Pick(random, DemoVocabulary.Groups);
        var venue = Pick(random, DemoVocabulary.Venues);
        var owner = Pick(random, DemoVocabulary.People);
        var advertisement = random.Next(10) == 0;
        var hasGroup = random.Next(20) != 0;          // some events belong to no group: "group": null
        var limit = advertisement ? (int?)null : random.Next(1, 31) * 10;
        var accepted = limit is { } l ? random.Next(0, l + 1) : 0;
        var waiting = limit is { } l2 && accepted == l2 ? random.Next(0, 60) : 0;
        var started = Epoch.AddDays(random.Next(0, 730)).AddHours(random.Next(10, 20)).AddMinutes(random.Next(0, 2) * 30);
        var ended = started.AddMinutes(random.Next(2, 9) * 30);
        var updated = started.AddDays(-random.Next(1, 60)).AddSeconds(random.Next(0, 86_400));
        var n = 1 + index % 250;

        string Fill(string format) => format
            .Replace("{topic}", topic.Name).Replace("{tag}", topic.HashTag).Replace("{group}", group.Title)
            .Replace("{place}", venue.Place).Replace("{n}", n.ToString(CultureInfo.InvariantCulture));

        json.WriteStartObject();
        json.WriteNumber("id", id);
        json.WriteString("title", Fill(Pick(random, DemoVocabulary.TitleFormats)));
        json.WriteString("catch", Fill(Pick(random, DemoVocabulary.Catches)));
        WriteDescription(json, random, topicIndex);
        json.WriteString("url", $"https://{group.Subdomain}.connpass.com/event/{id}/");
        if (random.Next(4) == 0) json.WriteNull("image_url");
        else json.WriteString("image_url", $"https://media.connpass.com/thumbs/{id % 97:x2}/{id % 89:x2}/{(uint)random.Next():x8}.png");
        json.WriteString("hash_tag", topic.HashTag);
        json.WriteString("started_at", Iso(started));
        json.WriteString("ended_at", Iso(ended));
        if (limit is { } cap) json.WriteNumber("limit", cap); else json.WriteNull("limit");
        json.WriteString("event_type", advertisement ? "advertisement" : "participation");
        json.WriteString("open_status", Pick(random, DemoVocabulary.OpenStatuses));
        if (hasGroup)
        {
            json.WriteStartObject("group");
            json.WriteNumber("id", group.Id);
            json.WriteString("subdomain", group.Subdomain);
            json.WriteString("title", group.Title);
            json.WriteString("url", $"https://{group.Subdomain}.connpass.com/");
            json.WriteEndObject();
        }
        else json.WriteNull("group");
        json.WriteString("address", venue.Address);
        json.WriteString("place", venue.Place);
        if (venue.Lat is null) json.WriteNull("lat"); else json.WriteString("lat", venue.Lat);
        if (venue.Lon is null) json.WriteNull("lon"); else json.WriteString("lon", venue.Lon);
        json.WriteNumber("owner_id", owner.Id);
        json.WriteString("owner_nickname", owner.Nickname);
        json.WriteString("owner_display_name", owner.DisplayName);
        json.WriteNumber("accepted", accepted);
        json.WriteNumber("waiting", waiting);
        json.WriteString("updated_at", Iso(updated));
        json.WriteEndObject();
    }

    /// <summary>
    /// Writes the description as a raw JSON string built from fragments escaped once per topic: most of the
    /// document is descriptions, and escaping Japanese text per event would make the source slower than the exporter.
    /// </summary>
    private void WriteDescription(Utf8JsonWriter json, Random random, int topic)
    {
        var fragments = TopicFragments.Value[topic];
        var targetBytes = random.Next(1500, 2500);
        var bytes = 0;
        var timetableWritten = false;
        _description.ResetWrittenCount();
        _description.Write("\""u8);
        void Append(Fragment fragment)
        {
            _description.Write(fragment.Escaped);
            _description.Write("\\n"u8);
            bytes += fragment.Utf8Bytes + 1;
        }

        while (bytes < targetBytes)
        {
            Append(fragments.Headings[random.Next(fragments.Headings.Length)]);
            if (!timetableWritten && random.Next(3) == 0)
            {
                Append(fragments.ListStart);
                foreach (var item in fragments.Timetable) Append(item);
                Append(fragments.ListEnd);
                timetableWritten = true;
            }
            else
            {
                for (var p = random.Next(1, 4); p > 0; p--) Append(fragments.Paragraphs[random.Next(fragments.Paragraphs.Length)]);
            }
        }
        _description.Write("\""u8);
        json.WritePropertyName("description");
        json.WriteRawValue(_description.WrittenSpan, skipInputValidation: true);
    }

    /// <summary>A piece of description HTML: its JSON-escaped UTF-8 bytes, and its size as text.</summary>
    private sealed record Fragment(byte[] Escaped, int Utf8Bytes)
    {
        public static Fragment Of(string text) =>
            new(JsonEncodedText.Encode(text, ConnpassDemoData.Encoder).EncodedUtf8Bytes.ToArray(), Encoding.UTF8.GetByteCount(text));
    }

    private sealed record Fragments(Fragment[] Headings, Fragment[] Paragraphs, Fragment[] Timetable, Fragment ListStart, Fragment ListEnd);

    private static readonly Lazy<Fragments[]> TopicFragments = new(() => DemoVocabulary.Topics
        .Select(t =>
        {
            Fragment[] Fill(IEnumerable<string> items) =>
                items.Select(i => Fragment.Of(i.Replace("{topic}", t.Name).Replace("{tag}", t.HashTag))).ToArray();
            return new Fragments(Fill(DemoVocabulary.Headings.Select(h => $"<h2>{h}</h2>")), Fill(DemoVocabulary.Paragraphs),
                Fill(DemoVocabulary.TimetableItems), Fragment.Of("<ul>"), Fragment.Of("</ul>"));
        })
        .ToArray());

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static string Iso(DateTimeOffset time) => time.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
