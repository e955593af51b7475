using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using AuthzWebhook.Hosting;

namespace AuthzWebhook.Elevations;

/// <summary>
/// Reads request bodies with the source-generated contract and turns every way a body can be wrong (not JSON, wrong
/// type, unknown field, too large, missing) into a 400 or 413 that names the problem, before anything is looked at.
/// </summary>
internal static partial class ApiJson
{
    public static readonly ApiError TooLarge = new(
        StatusCodes.Status413PayloadTooLarge, "body-too-large", "Body too large", "The request body is larger than this API accepts (AuthzWebhook:Api:MaxBodyBytes); requests are a few hundred bytes.");

    // The wire contract plus one rule for request bodies only: a field sent twice is refused, not "last one wins".
    private static readonly JsonSerializerOptions Strict = new(AuthzJsonContext.Default.Options) { AllowDuplicateProperties = false };

    public static async Task<Outcome<T>> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> contract, CancellationToken cancellationToken)
        where T : class
    {
        var typeInfo = (JsonTypeInfo<T>)Strict.GetTypeInfo(contract.Type);
        if (request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return new ApiError(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "JSON expected", "Send the body as JSON with 'Content-Type: application/json'.");
        }

        try
        {
            var body = await JsonSerializer.DeserializeAsync(request.Body, typeInfo, cancellationToken).ConfigureAwait(false);
            return body is null ? ApiError.Invalid("$", "the body must be a JSON object, not null") : body;
        }
        catch (JsonException ex)
        {
            return ApiError.Invalid(ex.Path ?? "$", Describe(ex));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge;
        }
    }

    /// <summary>Says what is wrong without echoing the serializer's own message, which names internal types.</summary>
    private static string Describe(JsonException ex)
    {
        var unknown = UnknownProperty().Match(ex.Message);
        if (unknown.Success)
        {
            return $"unknown field '{unknown.Groups[1].Value}'; remove it (fields are case-sensitive)";
        }

        return ex.LineNumber is { } line
            ? $"not valid here: malformed JSON or a value of the wrong type (line {line + 1}, byte {ex.BytePositionInLine + 1})"
            : "malformed JSON or a value of the wrong type";
    }

    [GeneratedRegex("^The JSON property '(.{1,100}?)' could not be mapped", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex UnknownProperty();
}
