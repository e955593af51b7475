using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace AuthzWebhook.Policy;

/// <summary>
/// Hands the policy's YAML events to the loader and records, with file, line, column and field path, every construct the
/// policy format leaves out: tags, anchors, aliases and merge keys. Each makes the file read differently to this loader,
/// to other YAML tools and to a reviewer: a tagged key is a different key here than the plain one (so a tagged
/// <c>resourceNames</c> would be dropped, widening its rule), aliases and merge keys copy content from elsewhere in the
/// file, and other tools apply merge keys that this loader does not.
/// </summary>
internal sealed class PlainYamlParser(IParser inner, YamlCursor cursor) : IParser
{
    private const string CoreTagPrefix = "tag:yaml.org,2002:";

    // One frame per open mapping or sequence: its field path, and where the walk is inside it.
    private readonly Stack<Frame> _frames = new();

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        if (!inner.MoveNext())
        {
            return false;
        }

        switch (inner.Current)
        {
            case MappingEnd or SequenceEnd:
                _frames.Pop();
                break;
            case AnchorAlias alias:
                Check(alias, Place(alias), anchor: AnchorName.Empty, tag: TagName.Empty);
                break;
            case NodeEvent node:
                var (path, isKey) = Place(node);
                Check(node, (path, isKey), node.Anchor, node.Tag);
                if (node is MappingStart or SequenceStart)
                {
                    // Fields of the root are named without a prefix, as in every other policy error.
                    _frames.Push(new Frame(_frames.Count == 0 ? string.Empty : path, node is MappingStart));
                }

                break;
        }

        return true;
    }

    /// <summary>The field path of the node that starts now, and whether it is a mapping key; moves the walk past it.</summary>
    private (string Path, bool IsKey) Place(ParsingEvent node)
    {
        if (!_frames.TryPeek(out var frame))
        {
            return ("(root)", false);
        }

        if (!frame.IsMapping)
        {
            return ($"{frame.Path}[{frame.Index++}]", false);
        }

        if (frame.ExpectingKey)
        {
            frame.ExpectingKey = false;
            frame.KeyPath = YamlCursor.Join(frame.Path, node is Scalar key ? key.Value : "(key)");
            return (frame.KeyPath, true);
        }

        frame.ExpectingKey = true;
        return (frame.KeyPath, false);
    }

    private void Check(ParsingEvent node, (string Path, bool IsKey) place, AnchorName anchor, TagName tag)
    {
        var (path, isKey) = place;
        var what = isKey ? "key" : "value";
        if (!tag.IsEmpty)
        {
            var instead = isKey ? "write the key without the tag" : "write the value without the tag (quote it if it must stay text)";
            cursor.Error(node.Start, path, $"tag '{Show(tag)}' is refused: the policy is plain YAML and reads every {what} by its text; {instead}");
        }

        if (!anchor.IsEmpty)
        {
            cursor.Error(node.Start, path, $"anchor '&{anchor.Value}' is refused: the policy is plain YAML, so that each field reads as written; write the value out in full at each place it is needed");
        }

        if (node is AnchorAlias alias)
        {
            cursor.Error(node.Start, path, $"alias '*{alias.Value.Value}' is refused: the policy is plain YAML, so that each field reads as written; write the value of '&{alias.Value.Value}' out in full here");
        }

        if (isKey && node is Scalar { Style: ScalarStyle.Plain, Value: "<<" })
        {
            cursor.Error(node.Start, path, "merge key '<<' is refused: other YAML tools apply it and this loader does not; write the fields out in full in this mapping");
        }
    }

    /// <summary>The tag as it is usually written: <c>!!str</c> for the core schema, <c>!name</c> for a local tag.</summary>
    private static string Show(TagName tag) =>
        tag.Value.StartsWith(CoreTagPrefix, StringComparison.Ordinal) ? "!!" + tag.Value[CoreTagPrefix.Length..]
        : tag.Value.StartsWith('!') ? tag.Value
        : $"!<{tag.Value}>";

    private sealed class Frame(string path, bool isMapping)
    {
        public string Path { get; } = path;

        public bool IsMapping { get; } = isMapping;

        public int Index { get; set; }

        public bool ExpectingKey { get; set; } = true;

        public string KeyPath { get; set; } = path;
    }
}
