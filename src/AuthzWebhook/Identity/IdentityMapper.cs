using System.Security.Claims;
using AuthzWebhook.Policy;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Identity;

/// <summary>
/// Turns validated token claims into the Kubernetes identity the API server will send, with the API server's rules:
/// the configured claim and prefix, <c>email_verified</c> honoured when the username claim is <c>email</c>, and groups
/// taken from a string or an array. Refuses what would silently produce the wrong identity.
/// </summary>
internal sealed class IdentityMapper(IOptions<IdentityOptions> options, AcceptedIssuer issuer)
{
    private const string SystemPrefix = "system:";

    public bool TryMap(ClaimsPrincipal principal, out CallerIdentity? caller, out string? problem)
    {
        var o = options.Value;
        caller = null;

        // Entra ID leaves out the groups of a member of too many groups and points at Microsoft Graph instead.
        // Treating that as "no groups" would silently make approvers and admins ordinary users.
        if (IsGroupsOverage(principal, o.GroupsClaim))
        {
            problem = "The token's groups were left out because the account is in too many groups (Entra ID group overage: " +
                "_claim_names). Configure the app registration to emit only the groups assigned to the application " +
                "(groupMembershipClaims: ApplicationGroup) or a group filter, so that the groups claim is complete.";
            return false;
        }

        var usernames = principal.FindAll(o.UsernameClaim).ToArray();
        if (usernames.Length != 1 || string.IsNullOrWhiteSpace(usernames[0].Value))
        {
            problem = $"The token has no single '{o.UsernameClaim}' claim, which this service (like the API server) uses as the username. " +
                "Request a token that includes it (for OpenID Connect, add the matching scope such as 'email').";
            return false;
        }

        if (string.Equals(o.UsernameClaim, "email", StringComparison.Ordinal) && IsEmailUnverified(principal))
        {
            problem = "The token's email is not verified (email_verified is false); the API server would refuse it too. Verify the address with the identity provider.";
            return false;
        }

        var person = Person(principal);
        if (person is null)
        {
            problem = issuer.IsEntraId
                ? "The token has no 'tid' and 'oid' claims, which identify a person on Entra ID. Request an access token for this API from the configured tenant (user and application tokens both carry them)."
                : "The token has no 'sub' claim, which identifies a person under its issuer. Request a token from the configured identity provider.";
            return false;
        }

        var username = UsernamePrefix(o, principal) + usernames[0].Value;
        if (username.StartsWith(SystemPrefix, StringComparison.Ordinal) || username.Length > 512)
        {
            problem = $"The username '{username}' cannot hold elevations: names starting with '{SystemPrefix}' belong to Kubernetes itself, and at most 512 characters are accepted.";
            return false;
        }

        var groups = principal.FindAll(o.GroupsClaim)
            .Select(c => c.Value)
            .Where(v => !string.IsNullOrWhiteSpace(v))
            .Select(v => o.GroupsPrefix + v)
            .Distinct(StringComparer.Ordinal)
            .ToArray();

        // Postgres text cannot hold U+0000, so a request, approval or notification naming it would fail whole; the
        // webhook refuses such names in reviews too.
        if (username.Contains('\0', StringComparison.Ordinal) || Array.Exists(groups, g => g.Contains('\0', StringComparison.Ordinal)))
        {
            problem = "The token's username or a group contains a NUL character (U+0000), which no Kubernetes name stored here may hold. Fix the claim at the identity provider.";
            return false;
        }

        var roles = CallerRoles.None;
        roles |= NameLists.ContainsAny(groups, o.AdminGroups) ? CallerRoles.Admin : CallerRoles.None;
        roles |= NameLists.ContainsAny(groups, o.AuditorGroups) ? CallerRoles.Auditor : CallerRoles.None;
        roles |= NameLists.ContainsAny(groups, o.IncidentToolGroups) ? CallerRoles.IncidentTool : CallerRoles.None;

        // Entra ID people were keyed by the token's issuer and sub before they were keyed by tenant and object id.
        var former = issuer.IsEntraId && principal.FindFirst("sub")?.Value is { Length: > 0 } sub ? $"{principal.FindFirst("iss")?.Value}#{sub}" : null;
        caller = new CallerIdentity(username, groups, HasMfa(principal, o), roles, person.Length <= 1024 ? person : null, former is { Length: <= 1024 } ? former : null);
        problem = null;
        return true;
    }

    /// <summary>
    /// Who the token's holder is, whatever username their token spells: on Entra ID the tenant and object id, elsewhere
    /// the issuer and <c>sub</c>. The two-person rule compares these.
    /// </summary>
    private string? Person(ClaimsPrincipal principal)
    {
        if (issuer.IsEntraId)
        {
            var tid = principal.FindFirst("tid")?.Value;
            var oid = principal.FindFirst("oid")?.Value;
            return string.IsNullOrWhiteSpace(tid) || string.IsNullOrWhiteSpace(oid) ? null : $"entra:{tid.ToLowerInvariant()}/{oid.ToLowerInvariant()}";
        }

        var sub = principal.FindFirst("sub")?.Value;
        return string.IsNullOrEmpty(sub) ? null : $"{issuer.Url ?? principal.FindFirst("iss")?.Value}#{sub}";
    }

    /// <summary>
    /// The API server's rule for <c>--oidc-username-prefix</c>, whose default is the empty string: empty means no prefix
    /// for <c>email</c> and the configured issuer URL and <c>#</c> for any other claim. The token's own <c>iss</c> is
    /// used only for a generic issuer without a configured URL, where the bearer handler has checked it against the one
    /// issuer of the discovery document.
    /// </summary>
    private string UsernamePrefix(IdentityOptions o, ClaimsPrincipal principal) => o.UsernamePrefix switch
    {
        null or "" when string.Equals(o.UsernameClaim, "email", StringComparison.Ordinal) => string.Empty,
        null or "" => (issuer.Url ?? principal.FindFirst("iss")?.Value) + "#",
        "-" => string.Empty,
        var prefix => prefix,
    };

    private static bool IsGroupsOverage(ClaimsPrincipal principal, string groupsClaim)
    {
        if (principal.HasClaim(c => c.Type == "hasgroups" && string.Equals(c.Value, "true", StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        return principal.FindAll("_claim_names").Any(c => c.Value.Contains($"\"{groupsClaim}\"", StringComparison.Ordinal));
    }

    private static bool IsEmailUnverified(ClaimsPrincipal principal)
    {
        // The API server accepts only the JSON boolean true; a string "true" is not a verification.
        var verified = principal.FindFirst("email_verified");
        return verified is not null && !(verified.ValueType == ClaimValueTypes.Boolean && string.Equals(verified.Value, "true", StringComparison.OrdinalIgnoreCase));
    }

    private static bool HasMfa(ClaimsPrincipal principal, IdentityOptions o) =>
        principal.FindAll("amr").Any(c => string.Equals(c.Value, "mfa", StringComparison.Ordinal))
        || principal.FindAll("acr").Any(c => o.MfaAcrValues.Contains(c.Value, StringComparer.Ordinal));
}
