using System.Buffers;
using System.Text;
using AuthzWebhook.Decisions;
using AuthzWebhook.Webhook;

namespace AuthzWebhook.Tests.Webhook;

/// <summary>
/// The parser is fed Kubernetes' own request bodies (tests/fixtures/k8s, see its README for sources), so that what a real
/// API server sends is what the tests prove. A body the parser refuses becomes HTTP 400, so refusals must say why.
/// </summary>
public sealed class ReviewParserTests
{
    [Fact]
    public void V1beta1_docs_example_reads_groups_from_group()
    {
        var request = Parse("03-docs-v1beta1-resource-request.json", out var apiVersion);

        Assert.Equal(ReviewParser.V1Beta1, apiVersion);
        Assert.Equal("jane", request.User);
        Assert.Equal(["group1", "group2"], request.Groups);
        Assert.True(request.IsResourceRequest);
        Assert.Equal("kittensandponies", request.Namespace);
        Assert.Equal("get", request.Verb);
        Assert.Equal("unicorn.example.org", request.ApiGroup);
        Assert.Equal("pods", request.Resource);
        Assert.Equal(string.Empty, request.Subresource);
        Assert.Equal(string.Empty, request.Name);
    }

    [Fact]
    public void V1_subresource_request_keeps_every_attribute_as_sent()
    {
        var request = Parse("05-upstream-unit-v1-resource-subresource.json", out var apiVersion);

        Assert.Equal(ReviewParser.V1, apiVersion);
        Assert.Equal("jane", request.User);
        Assert.Equal("1", request.Uid);
        Assert.Equal(["group1", "group2"], request.Groups);
        Assert.True(request.IsResourceRequest);
        Assert.Equal("kittensandponies", request.Namespace);

        // Upper case as sent: RBAC compares verbs exactly, so normalising here would grant what RBAC would not.
        Assert.Equal("GET", request.Verb);
        Assert.Equal("group3", request.ApiGroup);
        Assert.Equal("v7beta3", request.ApiVersion);
        Assert.Equal("pods", request.Resource);
        Assert.Equal("proxy", request.Subresource);
        Assert.Equal("my-pod", request.Name);
    }

    [Fact]
    public void V1_empty_non_resource_review_from_an_anonymous_user_parses_to_empty_strings()
    {
        var request = Parse("06-upstream-unit-v1-nonresource-empty-user.json", out var apiVersion);

        Assert.Equal(ReviewParser.V1, apiVersion);
        Assert.False(request.IsResourceRequest);
        Assert.Equal(string.Empty, request.User);
        Assert.Equal(string.Empty, request.Path);
        Assert.Equal(string.Empty, request.Verb);
        Assert.Empty(request.Groups);
        Assert.Empty(request.Extra);
    }

    [Fact]
    public void V1_list_with_selectors_is_read_and_the_selectors_ignored()
    {
        var request = Parse("07-upstream-integration-v1-list-pods-with-selectors.json", out _);

        Assert.Equal("alice", request.User);
        Assert.Equal(["system:authenticated"], request.Groups);
        Assert.True(request.IsResourceRequest);
        Assert.Equal("list", request.Verb);
        Assert.Equal("v1", request.ApiVersion);
        Assert.Equal("pods", request.Resource);
        Assert.Equal(string.Empty, request.ApiGroup);
        Assert.Equal(string.Empty, request.Namespace);
        Assert.Equal(string.Empty, request.Name);
    }

    [Fact]
    public void V1_uid_groups_and_extra_are_read_and_the_selectors_ignored()
    {
        var request = Parse("08-upstream-unit-v1-uid-groups-extra-selectors.json", out _);

        Assert.Equal("alice", request.User);
        Assert.Equal("1", request.Uid);
        Assert.Equal(["group1", "group2"], request.Groups);
        var extra = Assert.Single(request.Extra);
        Assert.Equal("key1", extra.Key);
        Assert.Equal(["a", "b", "c"], extra.Value);
        Assert.Equal("get", request.Verb);
        Assert.Equal("kittensandponies", request.Namespace);
    }

    [Theory]
    [InlineData("01-upstream-roundtrip-all-fields-v1.json", ReviewParser.V1)]
    [InlineData("02-upstream-roundtrip-all-fields-v1beta1.json", ReviewParser.V1Beta1)]
    public void Round_trip_fixture_with_both_attribute_blocks_is_refused(string file, string expectedApiVersion)
    {
        var ok = ReviewParser.TryParse(Fixture(file), out var apiVersion, out var request, out var error);

        Assert.False(ok);
        Assert.Null(request);
        Assert.Contains("exactly one", error, StringComparison.Ordinal);

        // The 400 is still answered in the caller's apiVersion.
        Assert.Equal(expectedApiVersion, apiVersion);
    }

    [Fact]
    public void V1_review_reads_groups_not_group()
    {
        // Each version has its own name for the list; the other name is an unknown field and is ignored.
        var request = ParseText("""
            {"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview",
             "spec":{"user":"alice","group":["wrong"],"groups":["right"],"nonResourceAttributes":{"path":"/healthz","verb":"get"}}}
            """);

        Assert.Equal(["right"], request.Groups);
        Assert.False(request.IsResourceRequest);
        Assert.Equal("/healthz", request.Path);
        Assert.Equal("get", request.Verb);
    }

    [Fact]
    public void V1beta1_review_reads_group_not_groups()
    {
        var request = ParseText("""
            {"apiVersion":"authorization.k8s.io/v1beta1","kind":"SubjectAccessReview",
             "spec":{"user":"alice","group":["right"],"groups":["wrong"],"nonResourceAttributes":{"path":"/healthz","verb":"get"}}}
            """);

        Assert.Equal(["right"], request.Groups);
    }

    [Fact]
    public void Metadata_status_and_unknown_fields_are_ignored()
    {
        var request = ParseText("""
            {"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","metadata":{"name":"x"},
             "status":{"allowed":true},"futureField":{"a":[1,2]},
             "spec":{"user":"alice","futureSpecField":true,"resourceAttributes":{"verb":"get","resource":"pods","futureAttr":"x"}}}
            """);

        Assert.Equal("alice", request.User);
        Assert.Equal("pods", request.Resource);
    }

    [Theory]
    [InlineData("{", "malformed")]
    [InlineData("{\"apiVersion\":", "malformed")]
    [InlineData("not json", "malformed")]
    [InlineData("[]", "malformed")]
    [InlineData("", "malformed")]
    [InlineData("null", "must be a SubjectAccessReview JSON object")]
    [InlineData("{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\",\"spec\":\"x\"}", "malformed")]
    [InlineData("{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\",\"spec\":{\"groups\":[1],\"nonResourceAttributes\":{}}}", "malformed")]
    public void Malformed_json_is_refused_with_a_readable_reason(string body, string expected)
    {
        var ok = ReviewParser.TryParse(Bytes(body), out _, out var request, out var error);

        Assert.False(ok);
        Assert.Null(request);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{\"nonResourceAttributes\":{}}}", "kind must be 'SubjectAccessReview', got 'TokenReview'")]
    [InlineData("{\"apiVersion\":\"authorization.k8s.io/v1\",\"spec\":{\"nonResourceAttributes\":{}}}", "kind must be 'SubjectAccessReview'")]
    [InlineData("{\"apiVersion\":\"authorization.k8s.io/v2\",\"kind\":\"SubjectAccessReview\",\"spec\":{\"nonResourceAttributes\":{}}}", "apiVersion must be")]
    [InlineData("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SubjectAccessReview\",\"spec\":{\"nonResourceAttributes\":{}}}", "got 'authentication.k8s.io/v1'")]
    [InlineData("{\"kind\":\"SubjectAccessReview\",\"spec\":{\"nonResourceAttributes\":{}}}", "apiVersion must be")]
    [InlineData("{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\"}", "spec is required")]
    [InlineData("{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\",\"spec\":{\"user\":\"alice\"}}", "exactly one")]
    [InlineData("{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\",\"spec\":{\"user\":\"alice\",\"resourceAttributes\":null,\"nonResourceAttributes\":null}}", "exactly one")]
    [InlineData("{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\",\"spec\":{\"groups\":[\"a\",null],\"nonResourceAttributes\":{}}}", "spec.groups must not contain null")]
    public void Wrong_shape_is_refused_with_a_reason_naming_the_problem(string body, string expected)
    {
        var ok = ReviewParser.TryParse(Bytes(body), out _, out var request, out var error);

        Assert.False(ok);
        Assert.Null(request);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Trailing_content_after_the_review_is_refused_as_malformed()
    {
        // A body that is not one JSON document is malformed (CONTRACT: malformed JSON is a 400), however valid its start.
        const string body = """
            {"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"nonResourceAttributes":{}}} trailing
            """;

        var ok = ReviewParser.TryParse(Bytes(body), out _, out var request, out var error);

        Assert.False(ok);
        Assert.Null(request);
        Assert.Contains("malformed", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Body_split_across_segments_parses_like_a_contiguous_one()
    {
        // Kestrel hands the body over as a multi-segment sequence when it arrives in several reads.
        var bytes = File.ReadAllBytes(FixturePath("05-upstream-unit-v1-resource-subresource.json"));
        var first = new Segment(bytes.AsMemory(0, 50));
        var last = first.Append(bytes.AsMemory(50));
        var sequence = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);

        Assert.True(ReviewParser.TryParse(sequence, out _, out var request, out var error), error);
        Assert.Equal("my-pod", request!.Name);
    }

    private static ReviewRequest Parse(string file, out string apiVersion)
    {
        Assert.True(ReviewParser.TryParse(Fixture(file), out apiVersion, out var request, out var error), error);
        Assert.NotNull(request);
        return request;
    }

    private static ReviewRequest ParseText(string body)
    {
        Assert.True(ReviewParser.TryParse(Bytes(body), out _, out var request, out var error), error);
        Assert.NotNull(request);
        return request;
    }

    private static ReadOnlySequence<byte> Fixture(string file) => new(File.ReadAllBytes(FixturePath(file)));

    private static string FixturePath(string file) => Path.Combine(AppContext.BaseDirectory, "fixtures", "k8s", file);

    private static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
