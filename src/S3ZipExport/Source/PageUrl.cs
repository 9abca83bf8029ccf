namespace S3ZipExport.Source;

/// <summary>
/// A page's URL: the configured URL with its query kept (connpass's <c>ym=</c>, <c>keyword=</c>, ...) and the
/// first-record and page-size parameters set, replacing any the URL already had.
/// </summary>
internal static class PageUrl
{
    public static Uri With(Uri url, string startParam, long start, string sizeParam, int size)
    {
        var pairs = url.Query.Length > 1 ? url.Query[1..].Split('&').ToList() : [];
        Set(pairs, startParam, start.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Set(pairs, sizeParam, size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new UriBuilder(url) { Query = string.Join('&', pairs) }.Uri;
    }

    private static void Set(List<string> pairs, string name, string value)
    {
        bool Named(string pair) => Uri.UnescapeDataString(pair.Split('=')[0]) == name;
        var at = pairs.FindIndex(Named);
        var pair = $"{name}={value}";
        if (at < 0)
        {
            pairs.Add(pair);
            return;
        }
        pairs[at] = pair;
        for (var i = pairs.Count - 1; i > at; i--)
            if (Named(pairs[i])) pairs.RemoveAt(i);
    }
}
