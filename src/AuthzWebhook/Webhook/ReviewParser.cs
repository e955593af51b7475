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

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 32, CommentHandling = JsonCommentHandling.Disallow };

    public static bool TryParse(ReadOnlySequence<byte> body, out string apiVersion, out ReviewRequest? request, out string error)
    {
        apiVersion = V1;
        request = null;
        SubjectAccessReviewDto? dto;
        try
        {
            var reader = new Utf8JsonReader(body, ReaderOptions);
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
            error = $"apiVersion must be '{V1}' or '{V1Beta1}', got '{dto.ApiVersion}'";
            return false;
        }

        apiVersion = dto.ApiVersion;
        if (dto.Kind != Kind)
        {
            error = $"kind must be '{Kind}', got '{dto.Kind}'";
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

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
