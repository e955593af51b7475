using System.Globalization;
using System.Text;
using AuthzWebhook.Policy;

namespace AuthzWebhook.Decisions;

/// <summary>
/// The human text of an answer. The API server shows it to the user in "forbidden" messages and copies it into its
/// audit log, so it always starts with <c>decision &lt;id&gt;</c> (the join key) and then says what to do next.
/// </summary>
internal static class DecisionReason
{
    public const int MaxTemplatesNamed = 5;

    /// <summary>How many requestable templates to look for: one more than are named, to know whether to say "and more".</summary>
    public const int RequestableLookup = MaxTemplatesNamed + 1;

    public static string Allowed(Guid decisionId, Guid elevationId, string template, DateTimeOffset expiresAt) =>
        string.Create(CultureInfo.InvariantCulture, $"decision {decisionId}: allowed by elevation {elevationId} (template {template}, expires {Rfc3339(expiresAt)})");

    public static string Denied(Guid decisionId, Guardrail guardrail) =>
        guardrail.Description.Length == 0
            ? $"decision {decisionId}: denied by guardrail {guardrail.Name}"
            : $"decision {decisionId}: denied by guardrail {guardrail.Name}: {guardrail.Description}";

    public static string Unrecorded(Guid decisionId) =>
        $"decision {decisionId}: no opinion; an allow cannot be given while decisions cannot be recorded";

    public static string Withdrawn(Guid decisionId, Guid elevationId) =>
        $"decision {decisionId}: no opinion; the allow by elevation {elevationId} was withdrawn because the elevation ended while the decision was being recorded";

    public static string Degraded(Guid decisionId) =>
        $"decision {decisionId}: no opinion; elevations are not being honoured right now because their state could not be confirmed";

    public static string NoOpinion(Guid decisionId, IReadOnlyList<AccessTemplate> requestable, string ns)
    {
        if (requestable.Count == 0)
        {
            return $"decision {decisionId}: no active elevation covers this request, and no template you may request would";
        }

        var text = new StringBuilder(256)
            .Append("decision ").Append(decisionId)
            .Append(": no active elevation covers this request; you may request ");
        // The API server shows this in the user's "forbidden" message: a handful of names helps, fifty do not.
        var shown = Math.Min(requestable.Count, MaxTemplatesNamed);
        for (var i = 0; i < shown; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ").Append(requestable[i].Name);
        }

        if (requestable.Count > shown)
        {
            text.Append(" and more");
        }

        // Only a namespace name is written: the API server authorizes before it validates names, and the reason is
        // printed by kubectl, so anything else could fake lines or a command to paste.
        var validNamespace = KubernetesNames.IsNamespaceName(ns);
        if (validNamespace)
        {
            text.Append(" for namespace ").Append(ns);
        }

        // kubectl prints this as the Forbidden message: the next step, ready to copy, for the first template named.
        text.Append("; run: ");
        RequestCommand.AppendTo(text, requestable[0], ns);
        return text.ToString();
    }

    public static string Rfc3339(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Rfc3339Micro(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
