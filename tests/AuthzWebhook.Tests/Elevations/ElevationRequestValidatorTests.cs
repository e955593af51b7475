using AuthzWebhook.Elevations;
using AuthzWebhook.Identity;
using AuthzWebhook.Policy;

namespace AuthzWebhook.Tests.Elevations;

/// <summary>Each field rule of a create request, eligibility and namespace checks, and the hash that idempotency compares.</summary>
public sealed class ElevationRequestValidatorTests
{
    private const string PolicyYaml = """
        apiVersion: authzwebhook/v1
        templates:
          - name: pod-debug
            scope: namespaced
            namespaces: ["*"]
            maxDuration: PT1H
            eligibleGroups: ["oidc:sre"]
            rules:
              - apiGroups: [""]
                resources: ["pods"]
                verbs: ["get"]
            approval:
              approverGroups: ["oidc:sre-leads"]
          - name: team-admin
            scope: namespaced
            namespaces: ["team-*"]
            maxDuration: PT2H
            eligibleGroups: ["oidc:sre", "oidc:developers"]
            rules:
              - apiGroups: ["*"]
                resources: ["*"]
                verbs: ["*"]
            approval:
              autoApprove: true
          - name: cluster-admin
            scope: cluster
            maxDuration: PT30M
            eligibleGroups: ["oidc:sre"]
            rules:
              - apiGroups: ["*"]
                resources: ["*"]
                verbs: ["*"]
            approval:
              approvals: 2
              approverGroups: ["oidc:sre-leads"]
        """;

    private static readonly AccessPolicy Policy = PolicyLoader.Parse(PolicyYaml, "test.yaml");
    private static readonly CallerIdentity Alice = new("oidc:alice@example.com", ["oidc:sre"], HasMfa: false, CallerRoles.None);

    [Fact]
    public void A_valid_request_is_accepted_as_sent_with_namespaces_sorted_and_deduplicated()
    {
        var request = Accept(Body("team-admin", ["team-b", "team-a", "team-b"], "PT90M", "  deploy hotfix \n", "INC-4711"));

        Assert.Equal("team-admin", request.Template.Name);
        Assert.Equal(["team-a", "team-b"], request.Namespaces);
        Assert.Equal(TimeSpan.FromMinutes(90), request.Duration);
        Assert.Equal("deploy hotfix", request.Reason);
        Assert.Equal("INC-4711", request.Ticket);
    }

    [Fact]
    public void The_eligibility_group_is_the_first_of_the_template_s_groups_the_caller_is_in()
    {
        var caller = new CallerIdentity("oidc:erin@example.com", ["oidc:developers", "oidc:sre"], HasMfa: false, CallerRoles.None);

        var request = Accept(Body("team-admin", ["team-a"]), caller);

        Assert.Equal("oidc:sre", request.EligibilityGroup);
    }

    [Fact]
    public void Every_malformed_field_is_listed_at_once()
    {
        var errors = Invalid(new CreateElevationBody("pod-debug", ["Bad_Name"], "soon", " ", "not a ticket"));

        Assert.Equal(["duration", "namespaces", "reason", "ticket"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("root")]
    [InlineData("Pod-Debug")]
    public void A_missing_or_unknown_template_is_refused(string? template)
    {
        Assert.Contains("template", Invalid(Body(template!, ["payments"])).Keys);
    }

    [Fact]
    public void An_unknown_template_name_is_echoed_only_in_part()
    {
        var message = Invalid(Body(new string('x', 5000), ["payments"]))["template"][0];

        Assert.True(message.Length < 300, message);
    }

    public static TheoryData<string?> RefusedReasons() => new()
    {
        null,
        "",
        " \n\t ",
        new string('r', 2001),
        "a\u0007b",
        "a\u0000b",
        "\u001b[31mred",
        "next\u0085line",
        "admin\u202Egnp.exe",
        "zero\u200Bwidth",
        "line\u2028separator",
    };

    [Theory]
    [MemberData(nameof(RefusedReasons))]
    public void A_missing_overlong_or_hidden_character_reason_is_refused(string? reason)
    {
        Assert.Contains("reason", Invalid(Body("pod-debug", ["payments"], reason: reason!)).Keys);
    }

    public static TheoryData<string> AcceptedReasons() => new()
    {
        "INC-4711: checkout errors",
        "first line\nsecond line",
        "windows\r\nline ends",
        "column\tcolumn",
        new string('r', 2000),
        "Störung im Zahlungsverkehr 🔥",
    };

    [Theory]
    [MemberData(nameof(AcceptedReasons))]
    public void Reasons_with_new_lines_tabs_and_ordinary_unicode_are_accepted(string reason)
    {
        Assert.Equal(reason, Accept(Body("pod-debug", ["payments"], reason: reason)).Reason);
    }

    [Theory]
    [InlineData("INC-4711")]
    [InlineData("a")]
    [InlineData("sn:INC0012#3")]
    [InlineData("ticket_1.2")]
    public void Ticket_references_of_letters_digits_and_separators_are_accepted(string ticket)
    {
        Assert.Equal(ticket, Accept(Body("pod-debug", ["payments"], ticket: ticket)).Ticket);
    }

    [Fact]
    public void A_ticket_of_128_characters_is_accepted_and_of_129_refused()
    {
        Assert.NotNull(Accept(Body("pod-debug", ["payments"], ticket: new string('T', 128))).Ticket);
        Assert.Contains("ticket", Invalid(Body("pod-debug", ["payments"], ticket: new string('T', 129))).Keys);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-INC")]
    [InlineData(".INC")]
    [InlineData("INC 4711")]
    [InlineData("INC-4711\n")]
    [InlineData("INC-ü")]
    [InlineData("INC?x=1")]
    public void Other_tickets_are_refused(string ticket)
    {
        Assert.Contains("ticket", Invalid(Body("pod-debug", ["payments"], ticket: ticket)).Keys);
    }

    [Fact]
    public void No_ticket_is_fine()
    {
        Assert.Null(Accept(Body("pod-debug", ["payments"], ticket: null)).Ticket);
    }

    [Theory]
    [InlineData("Payments")]
    [InlineData("pay_ments")]
    [InlineData("-payments")]
    [InlineData("payments-")]
    [InlineData("")]
    [InlineData("pay.ments")]
    public void Names_that_are_not_namespace_names_are_refused(string ns)
    {
        Assert.Contains("namespaces", Invalid(Body("pod-debug", [ns])).Keys);
    }

    [Fact]
    public void Every_bad_namespace_is_named()
    {
        var errors = Invalid(Body("pod-debug", ["ok", "Bad", new string('a', 64)]));

        Assert.Equal(2, errors["namespaces"].Length);
    }

    [Fact]
    public void A_null_namespace_in_the_list_is_refused()
    {
        Assert.Contains("namespaces", Invalid(Body("pod-debug", [null!])).Keys);
    }

    [Fact]
    public void A_namespaced_template_needs_at_least_one_namespace()
    {
        Assert.Contains("namespaces", Invalid(Body("pod-debug", [])).Keys);
        Assert.Contains("namespaces", Invalid(new CreateElevationBody("pod-debug", null, "PT30M", "x", null)).Keys);
    }

    [Fact]
    public void Fifty_namespaces_are_accepted_and_fifty_one_refused()
    {
        Assert.Equal(50, Accept(Body("pod-debug", [.. Enumerable.Range(0, 50).Select(i => $"ns-{i}")])).Namespaces.Length);
        Assert.Contains("namespaces", Invalid(Body("pod-debug", [.. Enumerable.Range(0, 51).Select(i => $"ns-{i}")])).Keys);
    }

    [Fact]
    public void A_cluster_template_takes_no_namespaces()
    {
        Assert.Empty(Accept(Body("cluster-admin", [], "PT15M")).Namespaces);
        Assert.Empty(Accept(new CreateElevationBody("cluster-admin", null, "PT15M", "x", null)).Namespaces);
        Assert.Contains("namespaces", Invalid(Body("cluster-admin", ["payments"], "PT15M")).Keys);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("30m")]
    [InlineData("PT")]
    [InlineData("P1M")]
    [InlineData("P1Y")]
    [InlineData("-PT30M")]
    [InlineData("PT0S")]
    [InlineData("PT59S")]
    [InlineData("PT90.5S")]
    [InlineData("PT1H1S")]
    [InlineData("P1D")]
    public void Durations_that_are_missing_malformed_too_short_fractional_or_over_the_maximum_are_refused(string? duration)
    {
        Assert.Contains("duration", Invalid(Body("pod-debug", ["payments"], duration!)).Keys);
    }

    [Theory]
    [InlineData("PT1M", 1)]
    [InlineData("PT1H", 60)]
    [InlineData("P0DT45M", 45)]
    [InlineData("PT90S", 1.5)]
    public void Durations_from_the_minimum_to_the_maximum_are_accepted(string duration, double minutes)
    {
        Assert.Equal(TimeSpan.FromMinutes(minutes), Accept(Body("pod-debug", ["payments"], duration)).Duration);
    }

    [Fact]
    public void The_duration_is_checked_even_when_the_template_is_unknown()
    {
        Assert.Contains("duration", Invalid(Body("root", ["payments"], "soon")).Keys);
        Assert.DoesNotContain("duration", Invalid(Body("root", ["payments"], "PT30M")).Keys);
    }

    [Fact]
    public void A_caller_outside_the_eligible_groups_is_refused_with_403_naming_the_groups()
    {
        var erin = new CallerIdentity("oidc:erin@example.com", ["oidc:developers"], HasMfa: false, CallerRoles.Admin);

        var error = Refused(Body("pod-debug", ["payments"]), erin);

        Assert.Equal(403, error.Status);
        Assert.Equal("not-eligible", error.Type);
        Assert.Contains("oidc:sre", error.Detail, StringComparison.Ordinal);
        Assert.Contains("oidc:erin@example.com", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_namespace_the_template_does_not_cover_is_refused_with_403()
    {
        var error = Refused(Body("team-admin", ["team-a", "payments"]));

        Assert.Equal(403, error.Status);
        Assert.Equal("namespace-not-allowed", error.Type);
        Assert.Contains("'payments'", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_request_hashes_the_same_however_its_namespaces_and_white_space_are_sent()
    {
        var first = Accept(Body("pod-debug", ["payments", "orders"], "PT30M", "checkout errors", "INC-1"));
        var second = Accept(Body("pod-debug", ["orders", "payments", "orders"], "PT0H30M", " checkout errors\n", "INC-1"));

        Assert.Equal(first.Hash, second.Hash);
    }

    [Fact]
    public void Any_difference_in_content_changes_the_hash()
    {
        var original = Accept(Body("pod-debug", ["payments"], "PT30M", "checkout errors", "INC-1")).Hash;

        Assert.NotEqual(original, Accept(Body("team-admin", ["team-a"], "PT30M", "checkout errors", "INC-1")).Hash);
        Assert.NotEqual(original, Accept(Body("pod-debug", ["orders"], "PT30M", "checkout errors", "INC-1")).Hash);
        Assert.NotEqual(original, Accept(Body("pod-debug", ["payments"], "PT31M", "checkout errors", "INC-1")).Hash);
        Assert.NotEqual(original, Accept(Body("pod-debug", ["payments"], "PT30M", "checkout error", "INC-1")).Hash);
        Assert.NotEqual(original, Accept(Body("pod-debug", ["payments"], "PT30M", "checkout errors", "INC-2")).Hash);
        Assert.NotEqual(original, Accept(Body("pod-debug", ["payments"], "PT30M", "checkout errors", null)).Hash);
    }

    private static CreateElevationBody Body(string template, string[] namespaces, string duration = "PT30M", string reason = "INC-1 errors", string? ticket = null) =>
        new(template, namespaces, duration, reason, ticket);

    private static ValidatedRequest Accept(CreateElevationBody body, CallerIdentity? caller = null)
    {
        var outcome = ElevationRequestValidator.ValidateCreate(body, Policy, caller ?? Alice, new ElevationOptions());

        Assert.True(outcome.Error is null, outcome.Error?.ToString());
        return outcome.Value!;
    }

    private static IDictionary<string, string[]> Invalid(CreateElevationBody body)
    {
        var error = Refused(body);

        Assert.Equal(400, error.Status);
        Assert.Equal("invalid-request", error.Type);
        return error.Errors!;
    }

    private static ApiErrorView Refused(CreateElevationBody body, CallerIdentity? caller = null)
    {
        var outcome = ElevationRequestValidator.ValidateCreate(body, Policy, caller ?? Alice, new ElevationOptions());

        Assert.NotNull(outcome.Error);
        return new ApiErrorView(outcome.Error.Status, outcome.Error.Type, outcome.Error.Detail, outcome.Error.Errors);
    }

    private sealed record ApiErrorView(int Status, string Type, string Detail, IDictionary<string, string[]>? Errors);
}
