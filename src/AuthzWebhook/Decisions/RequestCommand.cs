using System.Globalization;
using System.Text;
using AuthzWebhook.Policy;

namespace AuthzWebhook.Decisions;

/// <summary>
/// The <c>kubectl elevate request</c> command line that asks for a template covering a request, for people to copy
/// from a Forbidden message or from <c>kubectl elevate why</c>. Template and namespace names are Kubernetes names,
/// validated where they come from, so the line needs no quoting beyond the reason's placeholder.
/// </summary>
internal static class RequestCommand
{
    /// <summary>The duration suggested: half an hour, or the template's maximum when that is shorter.</summary>
    public static readonly TimeSpan Suggested = TimeSpan.FromMinutes(30);

    public static string For(AccessTemplate template, string ns)
    {
        var text = new StringBuilder("kubectl elevate request ").Append(template.Name);
        if (template.Scope == TemplateScope.Namespaced && ns.Length > 0)
        {
            text.Append(" -n ").Append(ns);
        }

        var duration = template.MaxDuration < Suggested ? template.MaxDuration : Suggested;
        return text.Append(" --for ").Append(Short(duration)).Append(" --reason \"<why>\"").ToString();
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
