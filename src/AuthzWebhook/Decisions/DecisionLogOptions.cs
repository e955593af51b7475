namespace AuthzWebhook.Decisions;

internal sealed class DecisionLogOptions
{
    public const string Section = "AuthzWebhook:DecisionLog";

    /// <summary><c>stdout</c> (the SIEM path), or a file path to append JSON lines to.</summary>
    public string Output { get; set; } = "stdout";

    /// <summary>Records buffered between the request path and the writer; beyond it records are counted as dropped rather than stall a review.</summary>
    public int Capacity { get; set; } = 65_536;

    /// <summary>
    /// How long a review's answer waits for its record to be written (stdout and spool). Past it the webhook answers
    /// 503 rather than give an answer with no record; the API server then applies its failure policy.
    /// </summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
