namespace S3ZipExport.LocalServices;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014): a tiny PRNG whose sequence is fixed by its definition, not by a runtime
/// version, so a demo document is the same bytes on every machine and .NET release. Seeded per event index; a few
/// hundred draws per event, so it must be cheap (one multiply-xorshift round per draw).
/// </summary>
internal struct DemoRandom(ulong seed)
{
    // The seed is mixed, not used as the state: SplitMix64 steps its state by a constant, so seeds 1 and 2 used
    // directly would give one sequence shifted by a draw, and neighbouring events the same text.
    private ulong _state = Mix(seed ^ 0x632BE59BD9B4E019UL);

    public ulong NextUInt64() => Mix(_state += 0x9E3779B97F4A7C15UL);

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A number in [0, <paramref name="max"/>) (Lemire's multiply-shift; the bias is far below what a demo cares about).</summary>
    public int Next(int max) => (int)((NextUInt64() >> 32) * (ulong)(uint)max >> 32);

    /// <summary>A number in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public int Next(int min, int max) => min + Next(max - min);

    public T Pick<T>(T[] items) => items[Next(items.Length)];

    /// <summary>
    /// An item drawn with a bias to the front of the list (the least of three draws: the first tenth of the list
    /// gets about a quarter of the draws), as a few words are most of real text.
    /// </summary>
    public T PickCommon<T>(T[] items) => items[Math.Min(Next(items.Length), Math.Min(Next(items.Length), Next(items.Length)))];
}
