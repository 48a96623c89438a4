using System.Globalization;
using System.CommandLine;
using System.CommandLine.Help;
using Visage.Cli;
using Visage.Cli.Commands;

// Numbers and dates print the same on every machine, whatever its language settings.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// A named root rather than RootCommand, so help says "visage" and not the assembly's name.
var root = new Command("visage", "Visage: face recognition. Enroll the people you know, then ask who is in a photo.")
{
    new HelpOption(),
    new VersionOption(),
};
foreach (var option in CommonOptions.Global) root.Options.Add(option);
root.Subcommands.Add(EnrollCommand.Create());
root.Subcommands.Add(IdentifyCommand.Create());
root.Subcommands.Add(ClusterCommand.Create());
root.Subcommands.Add(VerifyCommand.Create());
root.Subcommands.Add(EmbedCommand.Create());
root.Subcommands.Add(PeopleCommand.Create());
root.Subcommands.Add(EvaluateCommand.Create());
root.Subcommands.Add(CalibrateCommand.Create());
root.Subcommands.Add(ModelsCommand.Create());
root.Subcommands.Add(WatchCommand.Create());
root.Subcommands.Add(CacheCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(KeysCommand.Create());

var parsed = root.Parse(args);
// A wrong command line is one line on standard error and exit status 2, never a page of help.
if (parsed.Errors.Count > 0 && !args.Any(a => a is "-h" or "--help" or "-?"))
{
    var path = new List<string>();
    for (var at = parsed.CommandResult; at is not null; at = at.Parent as System.CommandLine.Parsing.CommandResult)
        path.Insert(0, at.Command.Name);
    CliRun.Error($"{parsed.Errors[0].Message} (see '{string.Join(' ', path)} --help')");
    return ExitCodes.Usage;
}
return await parsed.InvokeAsync();
