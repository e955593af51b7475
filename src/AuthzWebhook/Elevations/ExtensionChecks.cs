using AuthzWebhook.Identity;
using AuthzWebhook.Policy;

namespace AuthzWebhook.Elevations;

/// <summary>Who may extend an elevation, when, and by how much: the checks before an extension is applied or asked for.</summary>
internal static class ExtensionChecks
{
    /// <summary>The template in force, the extra time and the reason; or why the extension is refused (nothing changed).</summary>
    public static Outcome<ValidatedExtension> Check(
        Elevation e, CallerIdentity caller, ExtendBody body, AccessPolicy current, ElevationOptions options, DateTimeOffset now)
    {
        // Exactly the requester's identity: the window is theirs, under this username.
        if (!string.Equals(caller.Username, e.Requester, StringComparison.Ordinal))
        {
            return ApiError.Forbidden("not-requester", "Only the requester may extend", $"Only {e.Requester}, who requested this elevation, may extend it; ask them, or request your own.");
        }

        if (e.State != ElevationState.Active || e.IsPastExpiryAt(now))
        {
            return ApiError.Conflict("not-active", "Not active", $"Only active elevations can be extended; this one is {ElevationStates.ToName(e.State)}. Request a new one instead.");
        }

        if (e.ExtensionDuration is not null)
        {
            return ApiError.Conflict("extension-pending", "An extension is already waiting", "An extension of this elevation is waiting for approval; wait for it to be approved or rejected.");
        }

        if (!current.Templates.TryGetValue(e.Template, out var template) || ElevationRequestValidator.FirstEligibleGroup(caller, template) is null)
        {
            return ApiError.Forbidden("not-eligible", "No longer eligible", $"You are no longer eligible for '{e.Template}' under the policy in force, so it cannot be extended.");
        }

        if (e.TemplateFingerprint is not null && e.TemplateFingerprint != TemplateFingerprint.Of(template))
        {
            return ApiError.TemplateChanged(e.Template);
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var reason = ElevationRequestValidator.Text(body.Reason, "reason", required: true, ElevationRequestValidator.MaxReasonLength, errors);
        var duration = ElevationRequestValidator.Duration(body.Duration, "duration", template.MaxDuration, options.MinDuration, errors);
        if (duration is { } d && e.ExpiresAt!.Value + d - now > template.MaxDuration)
        {
            errors["duration"] = [$"would leave {IsoDuration.Format(e.ExpiresAt.Value + d - now)} of access from now; '{template.Name}' allows at most {IsoDuration.Format(template.MaxDuration)} at a time. Extend later, or by less."];
        }

        if (errors.Count > 0)
        {
            return ApiError.Invalid(errors);
        }

        return new ValidatedExtension(template, duration!.Value, reason!);
    }
}
