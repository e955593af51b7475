using System.Globalization;
using System.Text;
using AuthzWebhook.Policy;

namespace AuthzWebhook.Decisions;

/// <summary>
/// The <c>kubectl elevate request</c> command line that asks for a template covering a request, for people to copy
/// from a Forbidden message or from <c>kubectl elevate why</c>. Template names are validated by the policy loader; a
/// namespace is written only when it is a namespace name (otherwise <c>-n &lt;namespace&gt;</c>), so the line never
/// carries text a requester chose beyond those names.
/// </summary>
internal static class RequestCommand
{
    /// <summary>The duration suggested: half an hour, or the template's maximum when that is shorter.</summary>
    public static readonly TimeSpan Suggested = TimeSpan.FromMinutes(30);

    public static string For(AccessTemplate template, string ns) => AppendTo(new StringBuilder(96), template, ns).ToString();

    /// <summary>Writes the line into <paramref name="text"/>: the no-opinion reason builds it in its own builder, on every such review.</summary>
    public static StringBuilder AppendTo(StringBuilder text, AccessTemplate template, string ns)
    {
        text.Append("kubectl elevate request ").Append(template.Name);
        if (template.Scope == TemplateScope.Namespaced)
        {
            text.Append(" -n ").Append(KubernetesNames.IsNamespaceName(ns) ? ns : "<namespace>");
        }

        var duration = template.MaxDuration < Suggested ? template.MaxDuration : Suggested;
        return text.Append(" --for ").Append(Short(duration)).Append(" --reason \"<why>\"");
    }

    /// <summary>As the CLI takes durations: <c>45s</c>, <c>30m</c>, <c>2h</c>, <c>1h30m</c>.</summary>
    public static string Short(TimeSpan duration)
    {
        var text = new StringBuilder();
        if ((int)duration.TotalHours > 0)
        {
            text.Append(((int)duration.TotalHours).ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (duration.Minutes > 0)
        {
            text.Append(duration.Minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        if (duration.Seconds > 0 || text.Length == 0)
        {
            text.Append(duration.Seconds.ToString(CultureInfo.InvariantCulture)).Append('s');
        }

        return text.ToString();
    }
}
