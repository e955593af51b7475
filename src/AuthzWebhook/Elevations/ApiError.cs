namespace AuthzWebhook.Elevations;

/// <summary>
/// A refusal the REST API turns into RFC 7807 problem details. <see cref="Detail"/> says what to do about it;
/// <see cref="Errors"/> names the offending fields of a request body.
/// </summary>
internal sealed record ApiError(int Status, string Type, string Title, string Detail, IDictionary<string, string[]>? Errors = null)
{
    public static ApiError NotFound(Guid id) =>
        new(StatusCodes.Status404NotFound, "not-found", "No such elevation", $"There is no elevation {id}. GET /api/v1/elevations lists them.");

    public static ApiError Conflict(string type, string title, string detail) => new(StatusCodes.Status409Conflict, type, title, detail);

    public static ApiError Forbidden(string type, string title, string detail) => new(StatusCodes.Status403Forbidden, type, title, detail);

    public static ApiError Invalid(IDictionary<string, string[]> errors) =>
        new(StatusCodes.Status400BadRequest, "invalid-request", "The request is not valid", "Correct the fields listed in 'errors' and send it again.", errors);

    public static ApiError Invalid(string field, string message) => Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static ApiError TemplateChanged(string template) => Conflict(
        "template-changed",
        "The template changed since the request",
        $"Template '{template}' now grants something different (rules, scope, namespaces or maximum duration) from when this was requested, so it cannot be approved or extended as it stands. Request again under the current policy.");

    public static ApiError TicketClosed(string ticket) => Conflict(
        "ticket-closed",
        "The ticket is closed",
        $"Ticket {ticket} has been closed, so no elevation can be requested or activated under it. Use the ticket of an open incident.");

    public static ApiError TooManyPending(int open, int max, string requester) => Conflict(
        "too-many-pending",
        "Too many requests waiting for approval",
        $"You have {open} requests waiting for approval, and at most {max} may wait at once. Withdraw one you no longer need (GET /api/v1/elevations?state=pending&user={Uri.EscapeDataString(requester)} lists them; POST /api/v1/elevations/{{id}}/revoke cancels one), or wait until approvers decide.");
}
