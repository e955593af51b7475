using System.Security.Claims;
using System.Text.Json;
using AuthzWebhook.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthzWebhook.Tests.Identity;

/// <summary>
/// Token claims become the Kubernetes identity the API server will send. Principals are built from real JWT payloads,
/// so claims arrive in the shapes the bearer handler gives them (one claim per array element, objects as JSON text).
/// </summary>
public sealed class IdentityMapperTests
{
    [Fact]
    public void The_username_and_groups_get_the_configured_prefixes()
    {
        var caller = Map(new { email = "alice@example.com", groups = new[] { "sre", "oncall" } });

        Assert.Equal("oidc:alice@example.com", caller.Username);
        Assert.Equal(["oidc:sre", "oidc:oncall"], caller.Groups);
    }

    [Fact]
    public void Without_prefixes_names_pass_unchanged()
    {
        var caller = Map(new { email = "alice@example.com", groups = new[] { "sre" } }, new IdentityOptions());

        Assert.Equal("alice@example.com", caller.Username);
        Assert.Equal(["sre"], caller.Groups);
    }

    [Fact]
    public void A_group_sent_as_a_string_is_one_group()
    {
        var caller = Map(new { email = "alice@example.com", groups = "sre" });

        Assert.Equal(["oidc:sre"], caller.Groups);
    }

    [Fact]
    public void Blank_and_repeated_groups_are_dropped()
    {
        var caller = Map(new { email = "alice@example.com", groups = new[] { "sre", "", " ", "sre" } });

        Assert.Equal(["oidc:sre"], caller.Groups);
    }

    [Fact]
    public void A_token_without_groups_maps_to_no_groups()
    {
        var caller = Map(new { email = "alice@example.com" });

        Assert.Empty(caller.Groups);
        Assert.Equal(CallerRoles.None, caller.Roles);
    }

    [Fact]
    public void Other_claims_can_be_configured_for_username_and_groups()
    {
        var options = Options(o =>
        {
            o.UsernameClaim = "preferred_username";
            o.GroupsClaim = "roles";
        });

        var caller = Map(new { preferred_username = "alice", email = "other@example.com", roles = new[] { "sre" }, groups = new[] { "ignored" } }, options);

        Assert.Equal("oidc:alice", caller.Username);
        Assert.Equal(["oidc:sre"], caller.Groups);
    }

    [Fact]
    public void An_entra_groups_overage_named_in_claim_names_is_refused()
    {
        var problem = Refuse(new
        {
            email = "bob@example.com",
            _claim_names = new { groups = "src1" },
            _claim_sources = new { src1 = new { endpoint = "https://graph.microsoft.com/v1.0/users/x/getMemberObjects" } },
        });

        Assert.Contains("overage", problem, StringComparison.Ordinal);
        Assert.Contains("groupMembershipClaims", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_entra_groups_overage_flagged_by_hasgroups_is_refused()
    {
        var problem = Refuse(new { email = "bob@example.com", hasgroups = true });

        Assert.Contains("overage", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Claim_names_that_point_elsewhere_than_the_groups_claim_are_no_overage()
    {
        var caller = Map(new { email = "bob@example.com", groups = new[] { "sre" }, _claim_names = new { roles = "src1" } });

        Assert.Equal(["oidc:sre"], caller.Groups);
    }

    [Fact]
    public void An_email_marked_unverified_is_refused()
    {
        var problem = Refuse(new { email = "mallory@example.com", email_verified = false });

        Assert.Contains("not verified", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_email_marked_unverified_as_a_string_is_refused()
    {
        Assert.Contains("not verified", Refuse(new { email = "mallory@example.com", email_verified = "false" }), StringComparison.Ordinal);
    }

    [Fact]
    public void An_email_marked_verified_is_accepted()
    {
        Assert.Equal("oidc:alice@example.com", Map(new { email = "alice@example.com", email_verified = true }).Username);
    }

    [Fact]
    public void An_email_without_email_verified_is_accepted_as_the_api_server_accepts_it()
    {
        Assert.Equal("oidc:alice@example.com", Map(new { email = "alice@example.com" }).Username);
    }

    [Fact]
    public void Email_verified_matters_only_when_the_username_comes_from_email()
    {
        var caller = Map(new { sub = "alice", email = "alice@example.com", email_verified = false }, Options(o => o.UsernameClaim = "sub"));

        Assert.Equal("oidc:alice", caller.Username);
    }

    [Fact]
    public void A_token_without_the_username_claim_is_refused_naming_the_claim()
    {
        var problem = Refuse(new { sub = "service-principal", groups = new[] { "sre" } });

        Assert.Contains("'email' claim", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blank_username_claim_is_refused()
    {
        Assert.Contains("'email' claim", Refuse(new { email = "  " }), StringComparison.Ordinal);
    }

    [Fact]
    public void Two_values_of_the_username_claim_are_refused()
    {
        Assert.Contains("no single 'email' claim", Refuse(new { email = new[] { "alice@example.com", "bob@example.com" } }), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("system:admin", "")]
    [InlineData("system:serviceaccount:kube-system:default", "")]
    [InlineData("alice@example.com", "system:")]
    public void Usernames_in_the_kubernetes_system_namespace_are_refused(string email, string prefix)
    {
        var problem = Refuse(new { email }, Options(o => o.UsernamePrefix = prefix));

        Assert.Contains("'system:'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_username_longer_than_512_characters_is_refused()
    {
        Assert.Contains("512", Refuse(new { email = new string('a', 500) + "@example.com" }), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("authz-admins", "Admin")]
    [InlineData("auditors", "Auditor")]
    [InlineData("incident-tool", "IncidentTool")]
    [InlineData("sre", "None")]
    public void Roles_come_from_the_prefixed_groups(string group, string expected)
    {
        Assert.Equal(expected, Map(new { email = "dave@example.com", groups = new[] { group } }).Roles.ToString());
    }

    [Fact]
    public void Several_role_groups_give_several_roles()
    {
        var caller = Map(new { email = "dave@example.com", groups = new[] { "authz-admins", "auditors" } });

        Assert.True(caller.IsAdmin);
        Assert.True(caller.IsAuditor);
        Assert.False(caller.IsIncidentTool);
    }

    [Fact]
    public void Role_groups_are_matched_after_the_prefix_not_before_it()
    {
        var options = Options(o => o.AdminGroups = ["authz-admins"]);

        Assert.False(Map(new { email = "dave@example.com", groups = new[] { "authz-admins" } }, options).IsAdmin);
    }

    [Theory]
    [InlineData("""["pwd","mfa"]""", null, true)]
    [InlineData("\"mfa\"", null, true)]
    [InlineData("""["pwd"]""", null, false)]
    [InlineData("""["pwd","otp"]""", null, false)]
    [InlineData(null, "\"possessionorinherence\"", true)]
    [InlineData(null, "\"urn:mace:incommon:iap:silver\"", false)]
    [InlineData(null, null, false)]
    public void Multi_factor_sign_in_comes_from_amr_or_a_configured_acr(string? amr, string? acr, bool expected)
    {
        var payload = "{\"email\":\"bob@example.com\""
            + (amr is null ? string.Empty : ",\"amr\":" + amr)
            + (acr is null ? string.Empty : ",\"acr\":" + acr) + "}";

        var caller = MapJson(payload, Options(o => o.MfaAcrValues = ["possessionorinherence"]));

        Assert.Equal(expected, caller.HasMfa);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Without_a_prefix_a_claim_other_than_email_gets_the_configured_issuer_and_a_hash_as_the_api_server_gives(string? prefix)
    {
        var issuer = new AcceptedIssuer(isEntraId: true, url: "https://login.microsoftonline.com/tenant-1/v2.0");
        var payload = JsonSerializer.Serialize(new { sub = "abc", tid = "tenant-1", oid = "object-1", iss = "https://sts.windows.net/tenant-1/" });

        var caller = MapJson(payload, Options(o => { o.UsernameClaim = "sub"; o.UsernamePrefix = prefix; }), issuer);

        Assert.Equal("https://login.microsoftonline.com/tenant-1/v2.0#abc", caller.Username);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Without_a_prefix_or_configured_issuer_the_validated_token_issuer_is_the_prefix(string? prefix)
    {
        var caller = Map(new { sub = "abc", iss = "https://dex.example.com" }, Options(o => { o.UsernameClaim = "sub"; o.UsernamePrefix = prefix; }));

        Assert.Equal("https://dex.example.com#abc", caller.Username);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-")]
    public void Email_usernames_get_no_prefix_by_default_or_with_a_dash(string? prefix)
    {
        Assert.Equal("alice@example.com", Map(new { email = "alice@example.com" }, Options(o => o.UsernamePrefix = prefix)).Username);
    }

    [Fact]
    public void On_entra_id_a_person_is_their_tenant_and_object_id_whatever_the_token_version_or_username()
    {
        var issuer = new AcceptedIssuer(isEntraId: true, url: "https://login.microsoftonline.com/T1/v2.0");
        var v2 = MapJson(JsonSerializer.Serialize(new { email = "bob@contoso.com", tid = "T1", oid = "O1", sub = "pairwise-a", iss = "https://login.microsoftonline.com/T1/v2.0" }), Options(), issuer);
        var v1 = MapJson(JsonSerializer.Serialize(new { email = "robert@contoso.com", tid = "t1", oid = "o1", sub = "pairwise-b", iss = "https://sts.windows.net/T1/" }), Options(), issuer);
        var other = MapJson(JsonSerializer.Serialize(new { email = "bob@contoso.com", tid = "T1", oid = "O2", sub = "pairwise-a" }), Options(), issuer);

        Assert.Equal("entra:t1/o1", v2.Subject);
        // Rows from before this key name the person by the token's issuer and sub.
        Assert.True(v2.IsSamePerson("someone-else", "https://login.microsoftonline.com/T1/v2.0#pairwise-a"));
        Assert.False(other.IsSamePerson("someone-else", "https://login.microsoftonline.com/T1/v2.0#pairwise-b"));
        Assert.True(v1.IsSamePerson(v2.Username, v2.Subject));
        Assert.Equal("entra:t1/o2", other.Subject);
    }

    [Theory]
    [InlineData("tid")]
    [InlineData("oid")]
    public void An_entra_token_without_tenant_or_object_id_is_refused(string missing)
    {
        var claims = new Dictionary<string, object?> { ["email"] = "bob@contoso.com", ["tid"] = "T1", ["oid"] = "O1", [missing] = null };

        var problem = Refuse(claims, issuer: new AcceptedIssuer(isEntraId: true, url: "https://login.microsoftonline.com/T1/v2.0"));

        Assert.Contains("'tid' and 'oid'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Elsewhere_a_person_is_the_issuer_and_sub_and_a_token_without_sub_is_refused()
    {
        var caller = Map(new { email = "alice@example.com", sub = "s-1", iss = "https://dex.example.com" });
        var problem = Refuse(new Dictionary<string, object?> { ["email"] = "alice@example.com", ["sub"] = null });

        Assert.Equal("https://dex.example.com#s-1", caller.Subject);
        Assert.Contains("'sub'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nul_character_in_the_username_or_a_group_is_refused()
    {
        Assert.Contains("NUL", Refuse(new { email = "alice\u0000@example.com" }), StringComparison.Ordinal);
        Assert.Contains("NUL", Refuse(new { email = "alice@example.com", groups = new[] { "sre", "adm\u0000ins" } }), StringComparison.Ordinal);
    }

    private static IdentityOptions Options(Action<IdentityOptions>? configure = null)
    {
        var options = new IdentityOptions
        {
            UsernamePrefix = "oidc:",
            GroupsPrefix = "oidc:",
            AdminGroups = ["oidc:authz-admins"],
            AuditorGroups = ["oidc:auditors"],
            IncidentToolGroups = ["oidc:incident-tool"],
        };
        configure?.Invoke(options);
        return options;
    }

    private static CallerIdentity Map(object payload, IdentityOptions? options = null) => MapJson(JsonSerializer.Serialize(payload), options ?? Options());

    private static CallerIdentity MapJson(string payload, IdentityOptions options, AcceptedIssuer? issuer = null)
    {
        var mapped = Mapper(options, issuer).TryMap(Principal(payload), out var caller, out var problem);

        Assert.True(mapped, problem);
        Assert.Null(problem);
        return caller!;
    }

    private static string Refuse(object payload, IdentityOptions? options = null, AcceptedIssuer? issuer = null)
    {
        var mapped = Mapper(options ?? Options(), issuer).TryMap(Principal(JsonSerializer.Serialize(payload)), out var caller, out var problem);

        Assert.False(mapped);
        Assert.Null(caller);
        return problem!;
    }

    private static IdentityMapper Mapper(IdentityOptions options, AcceptedIssuer? issuer) =>
        new(Microsoft.Extensions.Options.Options.Create(options), issuer ?? new AcceptedIssuer(isEntraId: false, url: null));

    /// <summary>
    /// The claims the bearer handler would give for a token with this payload (claim names kept as in the token), with
    /// the <c>iss</c> and <c>sub</c> every OpenID Connect token has unless the payload sets or nulls them.
    /// </summary>
    private static ClaimsPrincipal Principal(string payload)
    {
        var claims = System.Text.Json.Nodes.JsonNode.Parse(payload)!.AsObject();
        foreach (var (name, value) in new[] { ("iss", "https://issuer.example"), ("sub", "subject-1") })
        {
            if (!claims.ContainsKey(name))
            {
                claims[name] = value;
            }
            else if (claims[name] is null)
            {
                claims.Remove(name);
            }
        }

        payload = claims.ToJsonString();
        var token = new JsonWebToken(Base64UrlEncoder.Encode("""{"alg":"RS256","typ":"JWT"}""") + "." + Base64UrlEncoder.Encode(payload) + ".");
        return new ClaimsPrincipal(new ClaimsIdentity(token.Claims, "Bearer"));
    }
}
