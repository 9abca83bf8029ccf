using System.Globalization;
using System.Text.Json;

namespace S3ZipExport.LocalServices;

/// <summary>
/// Writes one Connpass-v2-shaped event, generated from its index alone (a <see cref="DemoRandom"/> seeded by the
/// index). The description (<see cref="DemoDescriptionWriter"/>) is varied Japanese HTML of 1.6–2.7 KB of UTF-8.
/// </summary>
internal sealed class DemoEventWriter
{
    private const int FirstEventId = 300_000;
    private static readonly DateTimeOffset Epoch = new(2024, 4, 1, 0, 0, 0, TimeSpan.FromHours(9));

    private const int DescriptionMinBytes = 1600, DescriptionMaxBytes = 2600;

    private readonly DemoDescriptionWriter _description = new();

    public void Write(Utf8JsonWriter json, int index)
    {
        var random = new DemoRandom((ulong)index);
        var id = FirstEventId + index;
        var topic = random.Pick(DemoVocabulary.Topics);
        var group = random.Pick(DemoVocabulary.Groups);
        var venue = random.Pick(DemoVocabulary.Venues);
        var owner = random.Pick(DemoVocabulary.People);
        var advertisement = random.Next(10) == 0;
        var hasGroup = random.Next(20) != 0;          // some events belong to no group: "group": null
        var limit = advertisement ? (int?)null : random.Next(1, 31) * 10;
        var accepted = limit is { } l ? random.Next(0, l + 1) : 0;
        var waiting = limit is { } l2 && accepted == l2 ? random.Next(0, 60) : 0;
        var started = Epoch.AddDays(random.Next(0, 730)).AddHours(random.Next(10, 20)).AddMinutes(random.Next(0, 2) * 30);
        var ended = started.AddMinutes(random.Next(2, 9) * 30);
        var updated = started.AddDays(-random.Next(1, 60)).AddSeconds(random.Next(86_400));
        var n = 1 + index % 250;

        string Fill(string format) => format
            .Replace("{topic}", topic.Name).Replace("{tag}", topic.HashTag).Replace("{group}", group.Title)
            .Replace("{place}", venue.Place).Replace("{n}", n.ToString(CultureInfo.InvariantCulture));

        json.WriteStartObject();
        json.WriteNumber("id", id);
        json.WriteString("title", Fill(random.Pick(DemoVocabulary.TitleFormats)));
        json.WriteString("catch", Fill(random.Pick(DemoVocabulary.Catches)));
        json.WritePropertyName("description");
        json.WriteRawValue(_description.Write(ref random, DescriptionMinBytes, DescriptionMaxBytes), skipInputValidation: true);
        json.WriteString("url", $"https://{group.Subdomain}.connpass.com/event/{id}/");
        if (random.Next(4) == 0) json.WriteNull("image_url");
        else json.WriteString("image_url", $"https://media.connpass.com/thumbs/{id % 97:x2}/{id % 89:x2}/{random.NextUInt64() >> 32:x8}.png");
        json.WriteString("hash_tag", topic.HashTag);
        json.WriteString("started_at", Iso(started));
        json.WriteString("ended_at", Iso(ended));
        if (limit is { } cap) json.WriteNumber("limit", cap); else json.WriteNull("limit");
        json.WriteString("event_type", advertisement ? "advertisement" : "participation");
        json.WriteString("open_status", random.Pick(DemoVocabulary.OpenStatuses));
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

    private static string Iso(DateTimeOffset time) => time.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
