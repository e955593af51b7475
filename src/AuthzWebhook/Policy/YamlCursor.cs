using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AuthzWebhook.Policy;

/// <summary>
/// Walks a YAML mapping field by field, recording every problem with its file, line and field path
/// instead of stopping at the first, and refusing fields it does not know (a typo must not silently drop a rule).
/// </summary>
internal sealed class YamlCursor
{
    private readonly string _file;
    private readonly List<string> _errors;

    public YamlCursor(string file, List<string> errors)
    {
        _file = file;
        _errors = errors;
    }

    public void Error(YamlNode? node, string path, string message)
    {
        var line = node is null ? 0 : node.Start.Line;
        var column = node is null ? 0 : node.Start.Column;
        _errors.Add($"{_file}:{line}:{column}: {path}: {message}");
    }

    public void Error(Mark at, string path, string message) => _errors.Add($"{_file}:{at.Line}:{at.Column}: {path}: {message}");

    public YamlMappingNode? Mapping(YamlNode? node, string path)
    {
        if (node is YamlMappingNode map)
        {
            return map;
        }

        Error(node, path, "must be a mapping");
        return null;
    }

    public void RejectUnknown(YamlMappingNode map, string path, params string[] known)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? string.Empty;
            if (Array.IndexOf(known, name) < 0)
            {
                Error(key, Join(path, name), $"unknown field; expected one of: {string.Join(", ", known)}");
            }
        }
    }

    public static YamlNode? Child(YamlMappingNode map, string name) =>
        map.Children.TryGetValue(new YamlScalarNode(name), out var value) ? value : null;

    public string? String(YamlMappingNode map, string path, string name, bool required)
    {
        var node = Child(map, name);
        var fieldPath = Join(path, name);
        if (node is null || IsNull(node))
        {
            if (required)
            {
                Error(map, fieldPath, "is required");
            }

            return null;
        }

        if (node is not YamlScalarNode scalar)
        {
            Error(node, fieldPath, "must be a string");
            return null;
        }

        return scalar.Value ?? string.Empty;
    }

    public bool? Bool(YamlMappingNode map, string path, string name)
    {
        var text = String(map, path, name, required: false);
        if (text is null)
        {
            return null;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        Error(Child(map, name), Join(path, name), "must be true or false");
        return null;
    }

    public int? Int(YamlMappingNode map, string path, string name, int min, int max)
    {
        var text = String(map, path, name, required: false);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        Error(Child(map, name), Join(path, name), $"must be a whole number from {min} to {max}");
        return null;
    }

    public TimeSpan? Duration(YamlMappingNode map, string path, string name, bool required)
    {
        var text = String(map, path, name, required);
        if (text is null)
        {
            return null;
        }

        if (IsoDuration.TryParse(text, out var value) && value > TimeSpan.Zero)
        {
            return value;
        }

        Error(Child(map, name), Join(path, name), $"'{text}' is not a positive ISO 8601 duration such as PT30M or PT2H");
        return null;
    }

    /// <summary>A list of strings; absent means empty. Each item is checked by <paramref name="validate"/> (null = fine).</summary>
    public string[] Strings(YamlMappingNode map, string path, string name, Func<string, string?>? validate = null)
    {
        var node = Child(map, name);
        var fieldPath = Join(path, name);
        if (node is null || IsNull(node))
        {
            return [];
        }

        if (node is not YamlSequenceNode seq)
        {
            Error(node, fieldPath, "must be a list of strings");
            return [];
        }

        var result = new List<string>(seq.Children.Count);
        for (var i = 0; i < seq.Children.Count; i++)
        {
            var item = seq.Children[i];
            if (item is not YamlScalarNode scalar || scalar.Value is null)
            {
                Error(item, $"{fieldPath}[{i}]", "must be a string");
                continue;
            }

            var problem = validate?.Invoke(scalar.Value);
            if (problem is not null)
            {
                Error(item, $"{fieldPath}[{i}]", problem);
                continue;
            }

            result.Add(scalar.Value);
        }

        return [.. result];
    }

    public IReadOnlyList<YamlNode> Sequence(YamlMappingNode map, string path, string name)
    {
        var node = Child(map, name);
        if (node is null || IsNull(node))
        {
            return [];
        }

        if (node is YamlSequenceNode seq)
        {
            return [.. seq.Children];
        }

        Error(node, Join(path, name), "must be a list");
        return [];
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: "" or "~" or "null" };

    public static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
