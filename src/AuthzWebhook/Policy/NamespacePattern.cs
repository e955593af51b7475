namespace AuthzWebhook.Policy;

/// <summary>
/// A namespace name as written in the policy: an exact name, a <c>prefix-*</c> pattern, or <c>*</c> for any.
/// </summary>
internal readonly record struct NamespacePattern
{
    private NamespacePattern(string text, string prefix, bool isPrefix)
    {
        Text = text;
        Prefix = prefix;
        IsPrefix = isPrefix;
    }

    public string Text { get; }

    private string Prefix { get; }

    private bool IsPrefix { get; }

    public bool Matches(string ns) =>
        IsPrefix ? ns.Length > 0 && ns.StartsWith(Prefix, StringComparison.Ordinal) : string.Equals(ns, Text, StringComparison.Ordinal);

    public static bool TryParse(string text, out NamespacePattern pattern, out string? error)
    {
        pattern = default;
        if (text == "*")
        {
            pattern = new NamespacePattern(text, string.Empty, isPrefix: true);
            error = null;
            return true;
        }

        var isPrefix = text.EndsWith('*');
        var name = isPrefix ? text[..^1] : text;
        if (name.Contains('*', StringComparison.Ordinal))
        {
            error = $"'{text}' may contain '*' only at its end";
            return false;
        }

        if (!KubernetesNames.IsDnsLabelPrefix(name, allowEmpty: isPrefix, requireComplete: !isPrefix))
        {
            error = $"'{text}' is not a namespace name (lower-case letters, digits and '-', at most 63 characters) or a 'prefix-*' pattern";
            return false;
        }

        pattern = new NamespacePattern(text, name, isPrefix);
        error = null;
        return true;
    }

    public override string ToString() => Text;
}
