using System.Security.Cryptography;
using System.Text;

namespace AuthzWebhook.Policy;

/// <summary>
/// A hash of what a template grants (scope, namespaces, rules, maximum duration). Stored with each request, so that
/// an approver never approves more than was asked for: a request whose template grants something else by the time
/// it is approved must be made again.
/// </summary>
internal static class TemplateFingerprint
{
    public static string Of(AccessTemplate template)
    {
        var text = new StringBuilder();
        text.Append(template.Scope).Append('\n');
        text.AppendJoin(',', template.Namespaces.Select(n => n.Text)).Append('\n');
        text.Append(template.MaxDuration.Ticks).Append('\n');
        foreach (var rule in template.Rules)
        {
            foreach (var list in new[] { rule.ApiGroups, rule.Resources, rule.Verbs, rule.ResourceNames, rule.NonResourceUrls })
            {
                // Length-prefixed, so that no two different rule sets can produce the same text.
                foreach (var item in list)
                {
                    text.Append(item.Length).Append(':').Append(item);
                }

                text.Append(';');
            }

            text.Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
