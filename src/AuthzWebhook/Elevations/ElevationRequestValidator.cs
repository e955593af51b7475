using System.Security.Cryptography;
using System.Text;
using AuthzWebhook.Identity;
using AuthzWebhook.Policy;

namespace AuthzWebhook.Elevations;

/// <summary>
/// Checks request bodies against the policy in force: field by field for malformed input (400, every problem listed),
/// then eligibility (403). Nothing is written for a request that fails here.
/// </summary>
internal static class ElevationRequestValidator
{
    public const int MaxNamespaces = 50;
    public const int MaxReasonLength = 2000;
    public const int MaxTicketLength = 128;

    public static Outcome<ValidatedRequest> ValidateCreate(CreateElevationBody body, AccessPolicy policy, CallerIdentity caller, ElevationOptions options)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        AccessTemplate? template = null;
        if (string.IsNullOrWhiteSpace(body.Template))
        {
            errors["template"] = ["is required: the name of a template from GET /api/v1/templates"];
        }
        else if (!policy.Templates.TryGetValue(body.Template, out template))
        {
            errors["template"] = [$"there is no template '{Shorten(body.Template)}'; GET /api/v1/templates lists those you may request"];
        }

        var reason = Text(body.Reason, "reason", required: true, MaxReasonLength, errors);
        var ticket = Ticket(body.Ticket, errors);
        var namespaces = Namespaces(body.Namespaces, template, errors);
        var duration = template is null ? null : Duration(body.Duration, "duration", template.MaxDuration, options.MinDuration, errors);
        if (template is null && body.Duration is not null && !IsoDuration.TryParse(body.Duration, out _))
        {
            errors["duration"] = ["must be an ISO 8601 duration such as PT30M"];
        }

        if (errors.Count > 0 || template is null || duration is null || reason is null)
        {
            return ApiError.Invalid(errors);
        }

        var eligibility = FirstEligibleGroup(caller, template);
        if (eligibility is null)
        {
            return ApiError.Forbidden(
                "not-eligible",
                "Not eligible for this template",
                $"Template '{template.Name}' may be requested by members of {string.Join(", ", template.EligibleGroups)}; you ({caller.Username}) are in none of them. Ask to be added to one of these groups, or pick a template from GET /api/v1/templates.");
        }

        foreach (var ns in namespaces)
        {
            if (!template.AllowsNamespace(ns))
            {
                return ApiError.Forbidden(
                    "namespace-not-allowed",
                    "Namespace not allowed for this template",
                    $"Template '{template.Name}' may be requested for {string.Join(", ", template.Namespaces.Select(n => n.Text))}, not for '{ns}'.");
            }
        }

        return new ValidatedRequest(template, eligibility, namespaces, duration.Value, reason, ticket, Hash(template.Name, namespaces, duration.Value, reason, ticket));
    }

    /// <summary>The template's first eligible group the caller is in: the group the window will keep depending on.</summary>
    public static string? FirstEligibleGroup(CallerIdentity caller, AccessTemplate template)
    {
        foreach (var group in template.EligibleGroups)
        {
            if (Array.IndexOf(caller.Groups, group) >= 0)
            {
                return group;
            }
        }

        return null;
    }

    public static TimeSpan? Duration(string? text, string field, TimeSpan max, TimeSpan min, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            errors[field] = ["is required: an ISO 8601 duration such as PT30M"];
            return null;
        }

        if (!IsoDuration.TryParse(text, out var duration))
        {
            errors[field] = [$"'{Shorten(text)}' is not an ISO 8601 duration such as PT30M (years and months are not accepted)"];
            return null;
        }

        if (duration < min || duration.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            errors[field] = [$"must be whole seconds and at least {IsoDuration.Format(min)}"];
            return null;
        }

        if (duration > max)
        {
            errors[field] = [$"{IsoDuration.Format(duration)} is longer than this template's maximum of {IsoDuration.Format(max)}; ask for less and extend if needed"];
            return null;
        }

        return duration;
    }

    /// <summary>
    /// Free text: trimmed, length-limited, no control, formatting or separator characters other than line breaks and tabs.
    /// (Unicode normalization cannot be checked: the service runs with invariant globalization, without ICU.)
    /// </summary>
    public static string? Text(string? text, string field, bool required, int maxLength, Dictionary<string, string[]> errors)
    {
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            if (required)
            {
                errors[field] = ["is required: say why, for the approvers and the audit trail"];
            }

            return null;
        }

        if (trimmed.Length > maxLength)
        {
            errors[field] = [$"must be at most {maxLength} characters"];
            return null;
        }

        if (trimmed.Any(IsHiddenCharacter))
        {
            errors[field] = ["must not contain control, formatting (such as bidirectional overrides) or separator characters other than line breaks and tabs"];
            return null;
        }

        return trimmed;
    }

    private static string? Ticket(string? ticket, Dictionary<string, string[]> errors)
    {
        if (ticket is null)
        {
            return null;
        }

        if (!IsTicket(ticket))
        {
            errors["ticket"] = [$"must be 1-{MaxTicketLength} characters of letters, digits and . _ : # - (such as INC-4711), starting with a letter or digit"];
            return null;
        }

        return ticket;
    }

    /// <summary>A ticket reference; no '/', so that every ticket can be named in <c>/tickets/{ticket}/close</c>.</summary>
    public static bool IsTicket(string ticket) =>
        ticket.Length is > 0 and <= MaxTicketLength
        && char.IsAsciiLetterOrDigit(ticket[0])
        && ticket.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '#' or '-');

    /// <summary>Characters that change how text looks without being seen: they could disguise a reason in a chat message.</summary>
    private static bool IsHiddenCharacter(char c) =>
        c is not '\n' and not '\r' and not '\t'
        && (char.IsControl(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format
            or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator);

    private static string[] Namespaces(string[]? namespaces, AccessTemplate? template, Dictionary<string, string[]> errors)
    {
        namespaces ??= [];
        if (template?.Scope == TemplateScope.Cluster)
        {
            if (namespaces.Length > 0)
            {
                errors["namespaces"] = [$"must be empty: template '{template.Name}' is cluster-scoped"];
            }

            return [];
        }

        if (template is not null && namespaces.Length == 0)
        {
            errors["namespaces"] = ["is required: name at least one namespace"];
            return [];
        }

        if (namespaces.Length > MaxNamespaces)
        {
            errors["namespaces"] = [$"at most {MaxNamespaces} namespaces per elevation"];
            return [];
        }

        var invalid = namespaces.Where(n => n is null || !KubernetesNames.IsNamespaceName(n)).Select(n => $"'{Shorten(n ?? "null")}' is not a namespace name").ToArray();
        if (invalid.Length > 0)
        {
            errors["namespaces"] = invalid;
            return [];
        }

        return [.. namespaces.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    private static string Hash(string template, string[] namespaces, TimeSpan duration, string reason, string? ticket)
    {
        var canonical = string.Join('\n', template, string.Join(',', namespaces), duration.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture), reason, ticket ?? string.Empty);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>Echoes at most a short prefix of what the caller sent, so that a huge value does not come back whole.</summary>
    private static string Shorten(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
