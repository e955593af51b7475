namespace AuthzWebhook.Policy;

/// <summary>Kubernetes name syntax (RFC 1123 DNS labels), used for namespaces.</summary>
internal static class KubernetesNames
{
    public const int MaxLabelLength = 63;

    public static bool IsNamespaceName(string value) => IsDnsLabelPrefix(value, allowEmpty: false, requireComplete: true);

    /// <summary>
    /// True when <paramref name="value"/> is a DNS label, or (with <paramref name="requireComplete"/> false) could start one,
    /// so that a <c>team-*</c> pattern is judged by the names it can match.
    /// </summary>
    public static bool IsDnsLabelPrefix(string value, bool allowEmpty, bool requireComplete)
    {
        if (value.Length == 0)
        {
            return allowEmpty;
        }

        if (value.Length > MaxLabelLength || !IsAlphanumeric(value[0]))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!IsAlphanumeric(c) && c != '-')
            {
                return false;
            }
        }

        return !requireComplete || IsAlphanumeric(value[^1]);
    }

    private static bool IsAlphanumeric(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
}
