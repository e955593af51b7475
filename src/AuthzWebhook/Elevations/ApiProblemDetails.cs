using AuthzWebhook.Identity;

namespace AuthzWebhook.Elevations;

/// <summary>
/// Fills in problem details that the framework writes by itself (a 401 from the bearer challenge, an empty 404 or 405),
/// so that those too say what to do. Problems this service writes already carry their own type and are left alone.
/// </summary>
internal static class ApiProblemDetails
{
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Type?.StartsWith(ApiResults.TypePrefix, StringComparison.Ordinal) == true)
        {
            return;
        }

        switch (problem.Status)
        {
            case StatusCodes.Status401Unauthorized:
                problem.Type = ApiResults.TypePrefix + "unauthenticated";
                problem.Title = "Sign-in required";
                problem.Detail = context.HttpContext.Items[JwtBearerSetup.AuthenticationFailureItem] as string ?? AuthenticationProblems.NoToken;
                break;
            case StatusCodes.Status403Forbidden:
                problem.Type = ApiResults.TypePrefix + "forbidden";
                problem.Detail ??= "Your identity may not do this.";
                break;
            case StatusCodes.Status404NotFound:
                problem.Type = ApiResults.TypePrefix + "no-such-endpoint";
                problem.Detail ??= "There is no such endpoint on this listener; /openapi/v1.json on the API listener lists the API.";
                break;
            case StatusCodes.Status415UnsupportedMediaType:
                // Endpoints declare the JSON bodies they accept, so routing refuses other content types before them.
                problem.Type = ApiResults.TypePrefix + "unsupported-media-type";
                problem.Title = "JSON expected";
                problem.Detail ??= "Send the body as JSON with 'Content-Type: application/json'.";
                break;
            case StatusCodes.Status405MethodNotAllowed:
                problem.Type = ApiResults.TypePrefix + "method-not-allowed";
                problem.Detail ??= "This endpoint does not accept that method; /openapi/v1.json lists the methods it does.";
                break;
        }
    }
}
