namespace S3ZipExport.LocalServices;

/// <summary>The names demo events are made of: topics, community groups, venues, people, titles; descriptions use <see cref="DemoWords"/>.</summary>
internal static class DemoVocabulary
{
    public sealed record Topic(string Name, string HashTag);
    public sealed record Group(int Id, string Subdomain, string Title);
    public sealed record Venue(string Address, string Place, string? Lat, string? Lon);
    public sealed record Person(int Id, string Nickname, string DisplayName);

    public static readonly Topic[] Topics =
    [
        new("Python", "python"), new("Go", "golang"), new("Rust", "rustjp"), new("TypeScript", "typescript"),
        new("AWS", "jawsug"), new("Kubernetes", "k8sjp"), new("機械学習", "mlstudy"), new("データ分析", "datasci"),
        new("C#/.NET", "dotnetjp"), new("セキュリティ", "seccamp"), new("アジャイル開発", "agilejp"), new("React", "reactjp"),
        new("インフラ自動化", "iac"), new("生成AI", "genai"), new("PostgreSQL", "pgjp"), new("iOS/Swift", "swiftjp"),
    ];

    public static readonly Group[] Groups =
    [
        new(1001, "pyconjp", "PyCon JP"), new(1002, "jawsug", "JAWS-UG 東京"), new(1003, "dotnetlab", ".NET ラボ"),
        new(1004, "gocon", "Go Conference"), new(1005, "rust-tokyo", "Rust.Tokyo"), new(1006, "k8sjp", "Kubernetes Meetup Tokyo"),
        new(1007, "datasci", "データサイエンス勉強会"), new(1008, "agile-sapporo", "アジャイル札幌"),
        new(1009, "fukuoka-eng", "福岡エンジニアカフェ"), new(1010, "osaka-web", "大阪Web勉強会"),
        new(1011, "seccamp-ol", "セキュリティ・ミニキャンプ"), new(1012, "pgjp", "日本PostgreSQLユーザ会"),
    ];

    public static readonly Venue[] Venues =
    [
        new("東京都渋谷区渋谷2-21-1", "渋谷ヒカリエ 11F イベントスペース", "35.659010000000", "139.703470000000"),
        new("東京都千代田区丸の内1-9-2", "グラントウキョウサウスタワー 会議室A", "35.679600000000", "139.768100000000"),
        new("大阪府大阪市北区大深町3-1", "グランフロント大阪 ナレッジサロン", "34.704600000000", "135.494900000000"),
        new("福岡県福岡市中央区天神1-1-1", "天神コワーキング \"Base\"", "33.590400000000", "130.399500000000"),
        new("北海道札幌市中央区北5条西2丁目", "札幌駅前 会議室, 3F", "43.068600000000", "141.350800000000"),
        new("愛知県名古屋市中村区名駅1-1-4", "名古屋駅前 セミナールーム", "35.170900000000", "136.881500000000"),
        new("", "オンライン (YouTube Live)", null, null),
        new("", "オンライン (Zoom)", null, null),
    ];

    public static readonly Person[] People =
    [
        new(20001, "yamada_t", "山田 太郎"), new(20002, "hanako", "佐藤 花子"), new(20003, "ichiro.s", "鈴木 一郎"),
        new(20004, "misaki_t", "高橋 美咲"), new(20005, "ken_tanaka", "田中 健"), new(20006, "sakura", "伊藤 さくら"),
        new(20007, "watanabe", "渡辺 翔太"), new(20008, "nakamura_y", "中村 陽菜"), new(20009, "kobayashi", "小林 大輔"),
    ];

    public static readonly string[] OpenStatuses = ["open", "open", "open", "close", "close", "preopen", "cancelled"];

    public static readonly string[] TitleFormats =
    [
        "{group} #{n} {topic}勉強会",
        "【オンライン】{topic}入門ハンズオン 第{n}回",
        "\"{topic}\" で作る、はじめての Web API",
        "{topic} もくもく会 @{place}",
        "{topic}ナイト vol.{n} ～現場の知見、共有します～",
    ];

    public static readonly string[] Catches =
    [
        "{topic}について、初心者から上級者まで楽しめる勉強会です。",
        "\"{topic}\"の最新動向を、現場のエンジニアが語ります。",
        "手を動かして学ぶ、{topic}の実践ハンズオン。",
        "LT大歓迎！ {topic}の「やってみた」を持ち寄りましょう。",
    ];
}
