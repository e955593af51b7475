using AuthzWebhook.TestSupport;
using YamlDotNet.RepresentationModel;

namespace AuthzWebhook.Tests.Deployment;

/// <summary>
/// Renders and checks helm/authz-webhook with the real Helm binary. The tools are installed under the repository on
/// first use (scripts/ensure-tools.sh), so the chart tests run wherever the rest of the suite runs.
/// </summary>
internal static class Chart
{
    private static readonly Lazy<string> HelmPath = new(InstallTools, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Directory => Path.Combine(RepositoryRoot, "helm", "authz-webhook");

    /// <summary>The chart's default values and every values file under ci/, as paths relative to the chart.</summary>
    public static IEnumerable<string> ValuesFiles()
    {
        yield return "";
        foreach (var file in System.IO.Directory.GetFiles(Path.Combine(Directory, "ci"), "*.yaml").Order(StringComparer.Ordinal))
        {
            yield return Path.Combine("ci", Path.GetFileName(file));
        }
    }

    /// <summary><c>helm template</c>: the rendered stream, or the failure's message as <see cref="ChartRenderException"/>.</summary>
    public static string Template(string valuesFile = "", params string[] sets) => Template(valuesFile, sets, null);

    private static string Template(string valuesFile, string[] sets, string? moreValues)
    {
        var args = new List<string> { "template", "authz-webhook", Directory, "--namespace", "authz-system" };
        if (valuesFile.Length > 0)
        {
            args.Add("--values");
            args.Add(Path.Combine(Directory, valuesFile));
        }

        if (moreValues is not null)
        {
            args.Add("--values");
            args.Add(moreValues);
        }

        foreach (var set in sets)
        {
            args.Add("--set");
            args.Add(set);
        }

        var (code, output, error) = Run(HelmPath.Value, args);
        return code == 0 ? output : throw new ChartRenderException(error);
    }

    /// <summary><c>helm template</c> with more values given as YAML, e.g. an empty list, which --set cannot express.</summary>
    public static string TemplateWith(string valuesFile, string values)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, values);
            return Template(valuesFile, [], file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static List<YamlMappingNode> Objects(string rendered)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(rendered));
        return stream.Documents
            .Select(d => d.RootNode)
            .OfType<YamlMappingNode>()
            .ToList();
    }

    public static List<YamlMappingNode> Render(string valuesFile = "", params string[] sets) => Objects(Template(valuesFile, sets));

    public static (int Code, string Output) Lint(string valuesFile)
    {
        var args = new List<string> { "lint", "--strict", Directory };
        if (valuesFile.Length > 0)
        {
            args.Add("--values");
            args.Add(Path.Combine(Directory, valuesFile));
        }

        var (code, output, error) = Run(HelmPath.Value, args);
        return (code, output + error);
    }

    /// <summary>NOTES.txt as <c>helm install --dry-run=client</c> prints it (no cluster is contacted).</summary>
    public static string Notes(string valuesFile)
    {
        var args = new List<string> { "install", "authz-webhook", Directory, "--namespace", "authz-system", "--dry-run=client" };
        if (valuesFile.Length > 0)
        {
            args.Add("--values");
            args.Add(Path.Combine(Directory, valuesFile));
        }

        var (code, output, error) = Run(HelmPath.Value, args);
        if (code != 0)
        {
            throw new ChartRenderException(error);
        }

        var start = output.IndexOf("NOTES:\n", StringComparison.Ordinal);
        return start < 0 ? "" : output[(start + "NOTES:\n".Length)..];
    }

    /// <summary>tools/validate-manifests.mjs over a rendered stream: exit code and its per-object report.</summary>
    public static (int Code, string Output) Validate(string rendered)
    {
        _ = HelmPath.Value;
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, rendered);
            var (code, output, error) = Run("node", [Path.Combine(RepositoryRoot, "tools", "validate-manifests.mjs"), file]);
            return (code, output + error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static YamlMappingNode Single(IEnumerable<YamlMappingNode> objects, string kind, string? nameSuffix = null) =>
        Assert.Single(objects, o => Text(o, "kind") == kind && (nameSuffix is null || Text(o, "metadata", "name")!.EndsWith(nameSuffix, StringComparison.Ordinal)));

    /// <summary>The scalar at a path of mapping keys, or null when any part is missing.</summary>
    public static string? Text(YamlNode node, params string[] path) => Node(node, path) is YamlScalarNode scalar ? scalar.Value : null;

    public static YamlNode? Node(YamlNode node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    public static List<string> Strings(YamlNode? sequence) =>
        sequence is YamlSequenceNode items ? items.Children.Select(c => ((YamlScalarNode)c).Value!).ToList() : [];

    private static string InstallTools()
    {
        var (code, output, error) = Run("bash", [Path.Combine(RepositoryRoot, "scripts", "ensure-tools.sh")]);
        if (code != 0)
        {
            throw new InvalidOperationException($"scripts/ensure-tools.sh failed ({code}): {error}");
        }

        return output.Trim();
    }

    /// <summary>The first run installs Helm and the npm packages, which takes longer than a render.</summary>
    private static (int Code, string Output, string Error) Run(string program, IEnumerable<string> args) =>
        ProcessRunner.RunCaptured(program, args, TimeSpan.FromMinutes(10));

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "AuthzWebhook.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("repository root (AuthzWebhook.sln) not found above " + AppContext.BaseDirectory);
    }
}
