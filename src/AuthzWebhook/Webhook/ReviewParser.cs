using System.Buffers;
using System.Text.Json;
using AuthzWebhook.Decisions;
using AuthzWebhook.Hosting;

namespace AuthzWebhook.Webhook;

/// <summary>
/// Turns a SubjectAccessReview body into a <see cref="ReviewRequest"/>, or says in plain words why it cannot.
/// </summary>
internal static class ReviewParser
{
    public const string V1 = "authorization.k8s.io/v1";
    public const string V1Beta1 = "authorization.k8s.io/v1beta1";
    public const string Kind = "SubjectAccessReview";

    // Shared and never written to: most reviews carry no extra, and this one costs no allocation.
    private static readonly Dictionary<string, string[]> NoExtra = new(StringComparer.Ordinal);

    public static bool TryParse(ReadOnlySequence<byte> body, out string apiVersion, out ReviewRequest? request, out string error) =>
        TryParse(body, ReviewLimits.Default, out apiVersion, out request, out error);

    public static bool TryParse(ReadOnlySequence<byte> body, ReviewLimits limits, out string apiVersion, out ReviewRequest? request, out string error)
    {
        apiVersion = V1;
        request = null;
        SubjectAccessReviewDto? dto;
        try
        {
            // The reader enforces the nesting limit as it goes; unknown fields are skipped, never materialised.
            var reader = new Utf8JsonReader(body, limits.ReaderOptions);
            dto = JsonSerializer.Deserialize(ref reader, AuthzJsonContext.Default.SubjectAccessReviewDto);
            if (reader.Read())
            {
                error = $"malformed SubjectAccessReview JSON: unexpected content after the object at byte {reader.TokenStartIndex}";
                return false;
            }
        }
        catch (JsonException ex)
        {
            error = $"malformed SubjectAccessReview JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}): {FirstSentence(ex.Message)}";
            return false;
        }

        if (dto is null)
        {
            error = "the body must be a SubjectAccessReview JSON object";
            return false;
        }

        if (dto.ApiVersion is not (V1 or V1Beta1))
        {
            error = $"apiVersion must be '{V1}' or '{V1Beta1}', got '{Echo(dto.ApiVersion)}'";
            return false;
        }

        apiVersion = dto.ApiVersion;
        if (dto.Kind != Kind)
        {
            error = $"kind must be '{Kind}', got '{Echo(dto.Kind)}'";
            return false;
        }

        var spec = dto.Spec;
        if (spec is null)
        {
            error = "spec is required";
            return false;
        }

        if ((spec.ResourceAttributes is null) == (spec.NonResourceAttributes is null))
        {
            error = "spec must have exactly one of resourceAttributes and nonResourceAttributes";
            return false;
        }

        var groups = (apiVersion == V1 ? spec.Groups : spec.Group) ?? [];
        if (Array.IndexOf(groups, null) >= 0)
        {
            error = $"spec.{(apiVersion == V1 ? "groups" : "group")} must not contain null";
            return false;
        }

        if (OverLimit(spec, groups, apiVersion == V1 ? "groups" : "group", limits) is { } overLimit)
        {
            error = overLimit;
            return false;
        }

        var extra = ReadExtra(spec.Extra);
        if (spec.ResourceAttributes is { } ra)
        {
            request = new ReviewRequest
            {
                User = spec.User ?? string.Empty,
                Uid = spec.Uid ?? string.Empty,
                Groups = groups,
                Extra = extra,
                IsResourceRequest = true,
                Verb = ra.Verb ?? string.Empty,
                ApiGroup = ra.Group ?? string.Empty,
                ApiVersion = ra.Version ?? string.Empty,
                Resource = ra.Resource ?? string.Empty,
                Subresource = ra.Subresource ?? string.Empty,
                Namespace = ra.Namespace ?? string.Empty,
                Name = ra.Name ?? string.Empty,
            };
        }
        else
        {
            var nra = spec.NonResourceAttributes!;
            request = new ReviewRequest
            {
                User = spec.User ?? string.Empty,
                Uid = spec.Uid ?? string.Empty,
                Groups = groups,
                Extra = extra,
                IsResourceRequest = false,
                Verb = nra.Verb ?? string.Empty,
                Path = nra.Path ?? string.Empty,
            };
        }

        error = string.Empty;
        return true;
    }

    private static Dictionary<string, string[]> ReadExtra(Dictionary<string, string[]?>? extra)
    {
        if (extra is null || extra.Count == 0)
        {
            return NoExtra;
        }

        var result = new Dictionary<string, string[]>(extra.Count, StringComparer.Ordinal);
        foreach (var (key, values) in extra)
        {
            result[key] = values is null ? [] : Array.FindAll(values, v => v is not null);
        }

        return result;
    }

    /// <summary>
    /// The first field over a limit, or null. Runs over the strings the deserializer has just made (the body cap bounds
    /// them), so it costs a length comparison and a vectorised NUL search per field and allocates only to say what is wrong.
    /// </summary>
    private static string? OverLimit(SubjectAccessReviewSpecDto spec, string[] groups, string groupsField, ReviewLimits limits)
    {
        var max = limits.MaxStringLength;
        if (!Fits(spec.User, max))
        {
            return Unfit(spec.User!, "spec.user", max);
        }

        if (!Fits(spec.Uid, max))
        {
            return Unfit(spec.Uid!, "spec.uid", max);
        }

        if (groups.Length > limits.MaxGroups)
        {
            return $"spec.{groupsField} has {groups.Length} entries, more than the {limits.MaxGroups} accepted (AuthzWebhook:Webhook:MaxGroups)";
        }

        for (var i = 0; i < groups.Length; i++)
        {
            if (!Fits(groups[i], max))
            {
                return Unfit(groups[i], $"spec.{groupsField}[{i}]", max);
            }
        }

        if (spec.Extra is { } extra)
        {
            if (extra.Count > limits.MaxExtraKeys)
            {
                return $"spec.extra has {extra.Count} keys, more than the {limits.MaxExtraKeys} accepted (AuthzWebhook:Webhook:MaxExtraKeys)";
            }

            foreach (var (key, values) in extra)
            {
                if (!Fits(key, max))
                {
                    return Unfit(key, "a spec.extra key", max);
                }

                if (values is null)
                {
                    continue;
                }

                if (values.Length > limits.MaxExtraValues)
                {
                    return $"spec.extra['{Echo(key)}'] has {values.Length} values, more than the {limits.MaxExtraValues} accepted (AuthzWebhook:Webhook:MaxExtraValues)";
                }

                foreach (var value in values)
                {
                    if (!Fits(value, max))
                    {
                        return Unfit(value!, $"spec.extra['{Echo(key)}']", max);
                    }
                }
            }
        }

        if (spec.ResourceAttributes is { } ra)
        {
            return !Fits(ra.Namespace, max) ? Unfit(ra.Namespace!, "spec.resourceAttributes.namespace", max)
                : !Fits(ra.Verb, max) ? Unfit(ra.Verb!, "spec.resourceAttributes.verb", max)
                : !Fits(ra.Group, max) ? Unfit(ra.Group!, "spec.resourceAttributes.group", max)
                : !Fits(ra.Version, max) ? Unfit(ra.Version!, "spec.resourceAttributes.version", max)
                : !Fits(ra.Resource, max) ? Unfit(ra.Resource!, "spec.resourceAttributes.resource", max)
                : !Fits(ra.Subresource, max) ? Unfit(ra.Subresource!, "spec.resourceAttributes.subresource", max)
                : !Fits(ra.Name, max) ? Unfit(ra.Name!, "spec.resourceAttributes.name", max)
                : null;
        }

        var nra = spec.NonResourceAttributes!;
        return !Fits(nra.Path, max) ? Unfit(nra.Path!, "spec.nonResourceAttributes.path", max)
            : !Fits(nra.Verb, max) ? Unfit(nra.Verb!, "spec.nonResourceAttributes.verb", max)
            : null;
    }

    // NUL is refused because Postgres text cannot hold it: the decision record of such a review could never be stored,
    // and the store, which keeps records in order, would retry it ahead of every later record. No Kubernetes name,
    // user or group contains one.
    private static bool Fits(string? value, int maxLength) => value is null || (value.Length <= maxLength && !value.Contains('\0', StringComparison.Ordinal));

    private static string Unfit(string value, string field, int maxLength) => value.Length > maxLength
        ? $"{field} is {value.Length} characters long, more than the {maxLength} accepted (AuthzWebhook:Webhook:MaxStringLength)"
        : $"{field} contains a NUL character (U+0000), which no Kubernetes name or identity holds";

    /// <summary>A short, printable prefix of a value for an error message: the message goes to the API server's log.</summary>
    private static string Echo(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var prefix = value.Length <= 64 ? value : value[..64] + "…";
        return string.Create(prefix.Length, prefix, static (span, text) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = char.IsControl(text[i]) || char.GetUnicodeCategory(text[i]) == System.Globalization.UnicodeCategory.Format ? '\uFFFD' : text[i];
            }
        });
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
