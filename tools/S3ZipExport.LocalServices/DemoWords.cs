namespace S3ZipExport.LocalServices;

/// <summary>
/// The words demo descriptions are built from: several hundred kanji compounds, katakana loanwords, ASCII tech
/// terms, hiragana particles and sentence endings. Real Connpass descriptions are long, varied Japanese HTML whose
/// CSV deflates about 4-6:1; sentences drawn from a handful of fixed paragraphs deflate over 20:1 and make the
/// compressor look several times faster than it is on real data. <see cref="DemoDescriptionWriter"/> composes
/// them at random (seeded), so no long run of text repeats within deflate's 32 KiB window.
/// </summary>
internal static class DemoWords
{
    /// <summary>
    /// 500 common kanji, drawn one at a time for compounds no word list holds: real text names people, places and
    /// products nobody listed, and the draws give the text about the entropy real Japanese has.
    /// </summary>
    public const string KanjiCharacters =
        "日一国会人年大十二本中長出三同時政事自行社見月分議後前民生連五発間対上部東者党地合市業内相方四定今回新場金員九入選立開手米力学問高代明実円関決子動京全目表戦経通外最言氏現理調体化田当八六約主題下首意法" +
        "不来作性的要用制治度務強気小七成期公持野協取都和統以機平総加山思家話世受区領多県続進正安設保改数記院女初北午指権心界支第産結百派点教報済書府活原先共得解名交資予川向際査勝面委告軍文反元重近千考判認画海" +
        "参売利組知案道信策集在件団別物側任引使求所次水半品昨論計死官増係感特情投示変打男基私各始島直両朝革価式確村提運終挙果西勢減台広容必応演電歳住争談能無再位置企真流格有疑口過局少放税検藤町常校料沢裁状工建" +
        "語球営空職証土与急止送援供可役構木割聞身費付施切由説転食比難防補車優夫研収断井何南石足違消境神番規術護展態導鮮備宅害配副算視条幹独警宮究育席輸訪楽起万着乗店述残想線率病農州武声質念待試族象銀域助労例衛" +
        "然早張映限親額監環験追審商葉義伝働形景落欧担好退準賞訴辺造英被株頭技低毎医復仕去姿味負閣韓渡失移差衆個門写評課末守若脳極種美岡影命含福蔵量望松非撃佐核観察整段横融型白深字答夜製票況音申様財港識注呼渉達" +
        "良響阪帰針専推座";

    public static readonly string[] Kanji =
    [
        "開発", "設計", "運用", "導入", "検証", "実装", "環境", "構築", "性能", "改善", "品質", "管理", "自動化", "分散", "処理", "基盤",
        "監視", "障害", "対応", "移行", "経験", "知見", "共有", "議論", "事例", "紹介", "解説", "入門", "応用", "実践", "技術", "組織",
        "文化", "採用", "育成", "評価", "指標", "可視化", "分析", "推論", "学習", "認証", "認可", "暗号化", "脆弱性", "診断", "対策", "攻撃",
        "防御", "権限", "設定", "構成", "変更", "履歴", "記録", "保存", "削除", "更新", "登録", "検索", "表示", "画面", "操作", "入力",
        "出力", "変換", "集計", "統計", "予測", "最適化", "高速化", "効率", "生産性", "開発者", "利用者", "顧客", "要件", "仕様", "工程", "見積",
        "計画", "目標", "課題", "解決", "原因", "調査", "報告", "資料", "発表", "登壇", "講演", "質疑", "応答", "懇親会", "勉強会", "輪読会",
        "読書会", "合宿", "会場", "受付", "参加者", "定員", "抽選", "当日", "前日", "終了後", "開始", "休憩", "会費", "無料", "有料", "現地",
        "配信", "録画", "公開", "募集", "申込", "締切", "詳細", "概要", "内容", "対象", "初心者", "中級者", "上級者", "経営者", "学生", "社会人",
        "業務", "現場", "本番", "試験", "単体", "結合", "負荷", "冗長化", "可用性", "拡張性", "保守性", "互換性", "依存関係", "並列", "非同期", "同期",
        "通信", "帯域", "遅延", "容量", "記憶域", "演算", "数値", "文字列", "配列", "関数", "型安全", "例外", "状態", "副作用", "抽象化", "継承",
        "設計図", "全体像", "仕組み", "考え方", "進め方", "使い方", "選び方", "落とし穴", "失敗談", "成功例", "比較", "検討", "判断", "決定", "合意", "振り返り",
        "東京", "大阪", "名古屋", "福岡", "札幌", "仙台", "京都", "神戸", "横浜", "広島", "沖縄", "金沢", "渋谷", "新宿", "品川", "秋葉原",
        "株式会社", "合同会社", "研究所", "大学", "専門学校", "事業部", "開発部", "情報システム部", "運営", "主催", "共催", "協賛", "後援", "事務局", "代表", "技術顧問",
    ];

    public static readonly string[] Katakana =
    [
        "アーキテクチャ", "マイクロサービス", "コンテナ", "クラウド", "サーバーレス", "データベース", "パイプライン", "ワークショップ",
        "ハンズオン", "セッション", "スピーカー", "コミュニティ", "エンジニア", "デザイナー", "プロダクト", "マネージャー", "チーム",
        "プロジェクト", "サービス", "アプリケーション", "フレームワーク", "ライブラリ", "ツール", "プラットフォーム", "インフラ",
        "ネットワーク", "セキュリティ", "パフォーマンス", "スケーラビリティ", "オブザーバビリティ", "モニタリング", "ログ", "メトリクス",
        "トレース", "アラート", "ダッシュボード", "デプロイ", "リリース", "ロールバック", "マイグレーション", "リファクタリング", "テスト",
        "レビュー", "ドキュメント", "コード", "リポジトリ", "ブランチ", "マージ", "コンフリクト", "ビルド", "キャッシュ", "キュー",
        "ストリーミング", "バッチ", "ジョブ", "スケジューラ", "ワークフロー", "イベント", "メッセージ", "トピック", "パーティション",
        "レプリケーション", "シャーディング", "インデックス", "クエリ", "トランザクション", "スキーマ", "モデル", "データ", "プロンプト",
        "エージェント", "ベクトル", "エンベディング", "ファインチューニング", "トークン", "コンテキスト", "ユースケース", "ノウハウ",
        "ベストプラクティス", "アンチパターン", "トラブルシューティング", "オンボーディング", "キャリア", "マネジメント", "リーダーシップ",
        "スクラム", "スプリント", "バックログ", "カンバン", "レトロスペクティブ", "ファシリテーション", "ディスカッション", "ライトニングトーク",
        "パネルディスカッション", "キーノート", "オープニング", "クロージング", "ネットワーキング", "スポンサー", "ノベルティ", "アンケート",
        "オンライン", "オフライン", "ハイブリッド", "アーカイブ", "スライド", "デモ", "サンプル", "テンプレート", "チュートリアル", "ガイド",
        "ブラウザ", "モバイル", "フロントエンド", "バックエンド", "サーバー", "クライアント", "エンドポイント", "リクエスト", "レスポンス",
        "ユーザー", "アカウント", "パスワード", "トークン", "セッション", "クッキー", "プロキシ", "ゲートウェイ", "ロードバランサー",
        "オートスケール", "コスト", "リソース", "クォータ", "リージョン", "ゾーン", "バケット", "オブジェクト", "ファイル", "ディレクトリ",
        "コマンド", "ターミナル", "エディタ", "プラグイン", "エクステンション", "パッケージ", "バージョン", "アップデート", "パッチ",
    ];

    public static readonly string[] Ascii =
    [
        "Kubernetes", "Docker", "Terraform", "GitHub Actions", "CI/CD", "API", "REST", "GraphQL", "gRPC", "OpenTelemetry",
        "Prometheus", "Grafana", "Datadog", "AWS Lambda", "Amazon S3", "DynamoDB", "Aurora", "ECS", "EKS", "Fargate", "CloudFront",
        "Azure Functions", "Google Cloud", "BigQuery", "Cloud Run", "Firebase", "PostgreSQL", "MySQL", "Redis", "Kafka", "RabbitMQ",
        "Elasticsearch", "OpenSearch", "Snowflake", "dbt", "Airflow", "Spark", "Pandas", "NumPy", "PyTorch", "TensorFlow", "scikit-learn",
        "LangChain", "LLM", "RAG", "OpenAI API", "Claude", "Gemini", "Copilot", "VS Code", "Vim", "Emacs", "JetBrains", "Git", "GitLab",
        "Bitbucket", "Jira", "Confluence", "Slack", "Discord", "Zoom", "Teams", "Notion", "Figma", "Miro", "Python 3.13", "Go 1.23",
        "Rust 2024", "TypeScript 5", "Node.js", "Deno", "Bun", "React 19", "Next.js", "Vue.js", "Nuxt", "Svelte", "Angular", "Astro",
        "Tailwind CSS", "HTML", "CSS", "JavaScript", "WebAssembly", "C#", ".NET 10", "ASP.NET Core", "Java 21", "Spring Boot", "Kotlin",
        "Swift", "SwiftUI", "Flutter", "Dart", "Ruby on Rails", "PHP", "Laravel", "Django", "FastAPI", "Flask", "Linux", "Ubuntu",
        "Nginx", "Envoy", "Istio", "Argo CD", "Helm", "Ansible", "Packer", "Vault", "OAuth 2.0", "OpenID Connect", "JWT", "TLS 1.3",
        "HTTP/3", "QUIC", "WebSocket", "JSON", "YAML", "CSV", "Parquet", "SQL", "NoSQL", "SRE", "DevOps", "FinOps", "MLOps", "SLO", "SLI",
        "OKR", "KPI", "DDD", "TDD", "BDD", "MVP", "PoC", "OSS", "SaaS", "PaaS", "IaaS", "IoT", "AR", "VR", "GPU", "CPU", "ARM64", "x86_64",
    ];

    public static readonly string[] Adjectives =
    [
        "新しい", "大規模な", "小さな", "具体的な", "実践的な", "基本的な", "本格的な", "最新の", "身近な", "複雑な", "シンプルな",
        "安全な", "高速な", "柔軟な", "堅牢な", "効率的な", "継続的な", "段階的な", "現実的な", "理想的な", "多様な", "独自の",
        "社内の", "業界の", "世界の", "国内の", "地域の", "個人の", "チームの", "全社的な", "日々の", "今年の", "来年の", "過去の",
    ];

    public static readonly string[] Adverbs =
    [
        "実際に", "簡単に", "具体的に", "少しずつ", "一緒に", "気軽に", "じっくり", "しっかり", "まとめて", "改めて", "徹底的に",
        "わかりやすく", "短時間で", "ゼロから", "無理なく", "本気で", "ざっくり", "丁寧に", "楽しく", "もくもくと", "ライブで",
    ];

    public static readonly string[] Particles =
    [
        "は", "が", "を", "に", "で", "と", "の", "も", "や", "から", "まで", "について", "として", "による", "における", "のための",
        "に関する", "を使った", "を通じて", "とともに", "に向けた", "を中心に", "だけでなく", "によって", "をもとに", "、", "、",
    ];

    public static readonly string[] Endings =
    [
        "します。", "しました。", "できます。", "を紹介します。", "について話します。", "を予定しています。", "してください。",
        "していきます。", "と思います。", "でしょうか？", "を共有します。", "を解説します。", "を体験します。", "を深掘りします。",
        "をお伝えします。", "を考えます。", "を学びます。", "を目指します。", "です。", "でした。", "になります。", "があります。",
        "がありません。", "をお待ちしています！", "を歓迎します。", "ができれば幸いです。", "ください。", "となります。",
        "を行います。", "を振り返ります。", "を議論しましょう。", "に挑戦します。", "を持ち寄りましょう！", "をご確認ください。",
    ];

    public static readonly string[] Headings =
    [
        "概要", "イベント内容", "タイムテーブル", "参加対象", "持ち物", "注意事項", "会場について", "登壇者紹介", "セッション詳細",
        "こんな方におすすめ", "前提知識", "事前準備", "配信について", "懇親会について", "参加費", "キャンセルポリシー", "行動規範",
        "お問い合わせ", "主催者より", "スポンサー募集", "LT募集", "ハッシュタグ", "アクセス", "よくある質問", "前回の様子", "資料",
    ];

    public static readonly string[] Units = ["名", "分", "時間", "円", "%", "件", "回", "年", "ms", "GB", "MB", "倍", "台", "社", "本"];

    public static readonly string[] Domains =
    [
        "speakerdeck.com", "www.slideshare.net", "github.com", "zenn.dev", "qiita.com", "note.com", "www.youtube.com", "docs.google.com",
        "forms.gle", "x.com", "connpass.com", "aws.amazon.com", "learn.microsoft.com", "developer.mozilla.org", "hackmd.io", "discord.gg",
    ];

    public static readonly string[] PathWords =
    [
        "event", "slides", "archive", "docs", "blog", "entry", "watch", "issues", "pull", "wiki", "form", "guide", "tutorial", "release",
        "notes", "report", "ja", "en", "2024", "2025", "v1", "v2", "meetup", "workshop", "handson", "sample", "demo", "code-of-conduct",
    ];

    /// <summary>Paragraphs many organisers paste into every event (real descriptions repeat these word for word).</summary>
    public static readonly string[] Boilerplate =
    [
        "<p>初めての方も歓迎です。質問は、Slack の <code>#general</code> チャンネルでも受け付けています。</p>\n",
        "<p>当日は、懇親会（軽食・ドリンク付き）も予定しています。参加費は 1,000円です。</p>\n",
        "<p>発表資料は、イベント終了後に <a href=\"https://speakerdeck.com/\">Speaker Deck</a> で公開予定です。</p>\n",
        "<p>※ 会場の都合により、受付は開始 15 分前からとなります。遅れる場合は \"備考\" 欄にご記入ください。</p>\n",
        "<p>キャンセルの場合は、必ず前日までに登録を取り消してください。補欠の方が繰り上がります。</p>\n",
        "<p>本イベントは行動規範に同意いただいた方のみご参加いただけます。ハラスメント行為は禁止です。</p>\n",
        "<p>イベントの様子を撮影し、SNS やブログで公開することがあります。写りたくない方は受付でお申し出ください。</p>\n",
        "<p>Wi-Fi と電源は会場のものをご利用いただけます。ネットワーク名とパスワードは当日ご案内します。</p>\n",
    ];
}
