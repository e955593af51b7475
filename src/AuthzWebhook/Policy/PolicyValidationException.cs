namespace AuthzWebhook.Policy;

/// <summary>The policy file is invalid; <see cref="Errors"/> name the file, line and field of each problem.</summary>
internal sealed class PolicyValidationException(string source, IReadOnlyList<string> errors)
    : Exception($"Policy {source} is invalid:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", errors)}")
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
