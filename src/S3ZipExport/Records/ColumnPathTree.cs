using System.Text;

namespace S3ZipExport.Records;

/// <summary>
/// The columns' JSON paths merged into a tree, so one pass over a record finds every column: a property whose
/// name is not in the tree is skipped without looking inside it.
/// </summary>
internal sealed class ColumnPathTree
{
    public sealed class Node
    {
        public required byte[] Name { get; init; }
        /// <summary>The column this path ends at, or -1 when it only leads deeper.</summary>
        public int Column { get; set; } = -1;
        public List<Node> Children { get; } = [];
        /// <summary>Every column at or below this node: what a repeated property name replaces (the last one wins).</summary>
        public int[] Subtree { get; set; } = [];

        private Node[][] _byLength = [];

        /// <summary>The child of that name (raw UTF-8, as the record holds it unescaped), or null.</summary>
        public Node? Find(ReadOnlySpan<byte> name)
        {
            // Runs for every property of every record, most of which no column names: by length first.
            if ((uint)name.Length >= (uint)_byLength.Length) return null;
            foreach (var child in _byLength[name.Length])
                if (name.SequenceEqual(child.Name)) return child;
            return null;
        }

        internal void Freeze()
        {
            var longest = Children.Count == 0 ? -1 : Children.Max(c => c.Name.Length);
            _byLength = [.. Enumerable.Range(0, longest + 1).Select(length => Children.Where(c => c.Name.Length == length).ToArray())];
        }
    }

    public Node Root { get; } = new() { Name = [] };
    public int ColumnCount { get; }

    /// <summary>The most segments of any column's path: how deep into a record the columns lead.</summary>
    public int Depth { get; }

    public ColumnPathTree(IReadOnlyList<ColumnSpec> columns)
    {
        ColumnCount = columns.Count;
        Depth = columns.Count == 0 ? 0 : columns.Max(c => c.Path.Count);
        for (var column = 0; column < columns.Count; column++)
        {
            var node = Root;
            foreach (var segment in columns[column].Path)
            {
                var name = Encoding.UTF8.GetBytes(segment);
                var child = node.Children.FirstOrDefault(c => c.Name.AsSpan().SequenceEqual(name));
                if (child is null) node.Children.Add(child = new Node { Name = name });
                node = child;
            }
            // Two columns may name the same path (a raw and a formatted copy): the tree keeps the first;
            // RecordFieldExtractor copies the value to the others.
            if (node.Column < 0) node.Column = column;
        }
        Finish(Root);
    }

    /// <summary>Fills in each node's <see cref="Node.Subtree"/> and fixes its children for <see cref="Node.Find"/>.</summary>
    private static IEnumerable<int> Finish(Node node)
    {
        node.Freeze();
        var below = node.Children.SelectMany(Finish).ToList();
        if (node.Column >= 0) below.Add(node.Column);
        node.Subtree = [.. below];
        return below;
    }
}
