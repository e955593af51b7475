using System.Text.RegularExpressions;

namespace AuthzWebhook.Tests.Deployment;

/// <summary>
/// The kube-apiserver files the documents show are the chart's output, byte for byte. A block preceded by
/// <c>&lt;!-- rendered: KEY [--set a=b ...] --&gt;</c> must equal data[KEY] of the apiserver ConfigMap rendered with
/// ci/guide-values.yaml and those settings, so a change to the chart that the documents do not follow fails here.
/// </summary>
public sealed partial class DocumentedFilesTests
{
    public static TheoryData<string, int> Documents() => new()
    {
        { "docs/operator-guide.md", 4 },
        { "docs/apiserver.md", 2 },
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_rendered_block_in_the_document_is_what_the_chart_renders(string document, int atLeast)
    {
        var text = File.ReadAllText(Path.Combine(Chart.RepositoryRoot, document)).ReplaceLineEndings("\n");

        var blocks = RenderedBlock().Matches(text);

        Assert.True(blocks.Count >= atLeast, $"{document}: {blocks.Count} rendered blocks, expected at least {atLeast}");
        foreach (Match block in blocks)
        {
            var key = block.Groups["key"].Value;
            var sets = block.Groups["set"].Captures.Select(c => c.Value).ToArray();
            var configMap = Chart.Single(Chart.Render("ci/guide-values.yaml", sets), "ConfigMap", "-apiserver-config");
            var rendered = Chart.Text(configMap, "data", key);

            Assert.True(rendered is not null, $"{document}: the chart renders no {key}");
            Assert.True(
                rendered == block.Groups["body"].Value,
                $"{document}: the block for {key} {string.Join(' ', sets)} differs from the chart's output:\n{rendered}");
        }
    }

    [GeneratedRegex(@"^<!-- rendered: (?<key>[-.\w]+)(?: --set (?<set>\S+))* -->\n```[a-z]*\n(?<body>.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex RenderedBlock();
}
