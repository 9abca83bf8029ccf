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
    }

    public Node Root { get; } = new() { Name = [] };
    public int ColumnCount { get; }

    public ColumnPathTree(IReadOnlyList<ColumnSpec> columns)
    {
        ColumnCount = columns.Count;
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
        CollectSubtrees(Root);
    }

    private static IEnumerable<int> CollectSubtrees(Node node)
    {
        var below = node.Children.SelectMany(CollectSubtrees).ToList();
        if (node.Column >= 0) below.Add(node.Column);
        node.Subtree = [.. below];
        return below;
    }
}
