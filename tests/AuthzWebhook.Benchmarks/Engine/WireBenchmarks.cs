using System.Buffers;
using AuthzWebhook.Decisions;
using AuthzWebhook.Webhook;
using BenchmarkDotNet.Attributes;

namespace AuthzWebhook.Benchmarks.Engine;

/// <summary>The webhook's own work around a decision: reading a typical review body and writing the answer.</summary>
/// <remarks>Public and unsealed because BenchmarkDotNet derives its runner from this class.</remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
public class WireBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(1024);
    private ReadOnlySequence<byte> _body;
    private ReviewAnswer _answer;

    [GlobalSetup]
    public void Setup()
    {
        _body = new ReadOnlySequence<byte>(ReviewBodies.For(new ReviewRequest
        {
            User = "oidc:alice@example.com",
            Uid = "5d0f1c2e-8b7a-4c3d-9e2f-1a0b9c8d7e6f",
            Groups = ["oidc:sre", "system:authenticated"],
            IsResourceRequest = true,
            Verb = "get",
            ApiVersion = "v1",
            Resource = "pods",
            Subresource = "log",
            Namespace = "payments",
            Name = "api-7f9c5d-x2kq",
        }));
        var decisionId = Guid.CreateVersion7();
        _answer = new ReviewAnswer(
            decisionId,
            Allowed: true,
            Denied: false,
            $"decision {decisionId}: allowed by elevation {Guid.CreateVersion7()} (template pod-debug, expires 2025-06-01T12:30:00Z)",
            EvaluationError: null);
        if (!ReviewParser.TryParse(_body, out _, out _, out var error))
        {
            throw new InvalidOperationException(error);
        }
    }

    [Benchmark]
    public bool ParseReview() => ReviewParser.TryParse(_body, out _, out _, out _);

    [Benchmark]
    public int WriteAnswer()
    {
        _output.ResetWrittenCount();
        ReviewResponseWriter.Write(_output, ReviewParser.V1, _answer);
        return _output.WrittenCount;
    }
}
