using System.Collections;
using System.Reflection;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Identity.Web;
using YamlDotNet.RepresentationModel;

namespace AuthzWebhook.Tests.Deployment;

/// <summary>What CI asks of the chart: it lints strictly and every object it renders is valid, for every values file.</summary>
public sealed class ChartValidationTests
{
    public static TheoryData<string> ValuesFiles() => [.. Chart.ValuesFiles()];

    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public void The_chart_lints_strictly(string valuesFile)
    {
        var (code, output) = Chart.Lint(valuesFile);

        Assert.True(code == 0, output);
        Assert.Contains("0 chart(s) failed", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public void Every_rendered_object_matches_its_schema(string valuesFile)
    {
        var rendered = Chart.Template(valuesFile);

        var (code, output) = Chart.Validate(rendered);

        Assert.True(code == 0, output);
        Assert.Contains(", 0 invalid", output, StringComparison.Ordinal);
        Assert.DoesNotContain("UNKNOWN", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public void The_install_notes_render_every_value_they_name(string valuesFile)
    {
        var notes = Chart.Notes(valuesFile);

        Assert.Contains("The pods need these Secrets in authz-system", notes, StringComparison.Ordinal);
        Assert.Contains("/authorize", notes, StringComparison.Ordinal);
        Assert.DoesNotContain("<no value>", notes, StringComparison.Ordinal);
        Assert.DoesNotContain("%!", notes, StringComparison.Ordinal);
    }

    [Fact]
    public void The_validator_refuses_an_invalid_object_a_misspelt_field_and_an_unknown_kind()
    {
        const string Rendered = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: broken}
            spec: {replicas: "two", selector: {}, template: {}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: misspelt}
            spec: {ports: [{port: 443, targtPort: webhook}]}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: fine}
            data: {a: b}
            ---
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: unknown}
            """;

        var (code, output) = Chart.Validate(Rendered);

        Assert.Equal(1, code);
        Assert.Contains("INVALID apps/v1/Deployment broken", output, StringComparison.Ordinal);
        Assert.Contains("UNKNOWN example.com/v1/Widget unknown", output, StringComparison.Ordinal);
        Assert.Contains("INVALID v1/Service misspelt: Object literal may only specify known properties, and '\"targtPort\"'", output, StringComparison.Ordinal);
        Assert.Contains("ok v1/ConfigMap fine", output, StringComparison.Ordinal);
        Assert.Contains("4 objects, 3 invalid", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// A variable the service does not read is a setting silently lost (a renamed option, a typo in a template), so
    /// every AuthzWebhook__ variable the chart sets must name a property of the options bound to that section.
    /// </summary>
    [Theory]
    [InlineData("")]
    [InlineData("ci/full-values.yaml")]
    [InlineData("ci/entra-values.yaml")]
    public void Every_variable_the_chart_sets_is_a_setting_the_service_reads(string valuesFile)
    {
        var objects = Chart.Render(valuesFile);
        var names = objects
            .Where(o => Chart.Text(o, "kind") is "Deployment" or "Job")
            .SelectMany(o => ((YamlSequenceNode)Chart.Node(o, "spec", "template", "spec", "containers")!).Children)
            .SelectMany(c => Chart.Node(c, "env") is YamlSequenceNode env ? env.Children : [])
            .Select(e => Chart.Text(e, "name")!)
            .Where(n => n.StartsWith("AuthzWebhook__", StringComparison.Ordinal))
            .Distinct()
            .ToList();

        Assert.NotEmpty(names);
        var sections = OptionSections();
        var unknown = names.Where(n => !IsSetting(sections, n)).ToList();
        Assert.True(unknown.Count == 0, "not read by the service: " + string.Join(", ", unknown));
    }

    private static bool IsSetting(Dictionary<string, Type[]> sections, string variable)
    {
        var parts = variable.Split("__");
        // The longest section name that prefixes the variable: AuthzWebhook:Webhook before AuthzWebhook.
        for (var length = parts.Length - 1; length >= 1; length--)
        {
            if (sections.TryGetValue(string.Join(':', parts[..length]), out var types))
            {
                return types.Any(t => HasPath(t, parts[length..]));
            }
        }

        return false;
    }

    private static bool HasPath(Type type, string[] path)
    {
        if (path.Length == 0)
        {
            return true;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            return HasPath(type.GetGenericArguments()[1], path[1..]);
        }

        if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var element = type.IsArray ? type.GetElementType()! : type.GetGenericArguments().Last();
            return int.TryParse(path[0], out _) && HasPath(element, path[1..]);
        }

        var property = type.GetProperty(path[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        return property is not null && HasPath(property.PropertyType, path[1..]);
    }

    private static Dictionary<string, Type[]> OptionSections()
    {
        var sections = typeof(AuthzWebhook.Policy.PolicyLoader).Assembly.GetTypes()
            .Select(t => (Type: t, Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)))
            .Where(x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string))
            .GroupBy(x => (string)x.Field!.GetRawConstantValue()!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Type).ToArray(), StringComparer.OrdinalIgnoreCase);
        // The OIDC section is Microsoft.Identity.Web's, bound to both of these.
        sections["AuthzWebhook:Oidc"] = [typeof(MicrosoftIdentityOptions), typeof(JwtBearerOptions)];
        return sections;
    }
}
