using AuthzWebhook.Policy;
using YamlDotNet.RepresentationModel;

namespace AuthzWebhook.Tests.Deployment;

/// <summary>The chart must stay in step with the code: its default policy has to load, or a default install would not start.</summary>
public sealed class HelmValuesTests
{
    [Fact]
    public void The_charts_default_policy_is_a_valid_policy()
    {
        var valuesPath = Path.Combine(Chart.Directory, "values.yaml");
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(valuesPath)));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var policy = (YamlMappingNode)root.Children[new YamlScalarNode("policy")];
        var content = ((YamlScalarNode)policy.Children[new YamlScalarNode("content")]).Value!;

        var loaded = PolicyLoader.Parse(content, "helm values policy.content");

        Assert.NotEmpty(loaded.TemplateList);
    }
}
