using System.CommandLine;
using System.CommandLine.Help;
using Visage.Cli;
using Visage.Cli.Commands;

// A named root rather than RootCommand, so help says "visage" and not the assembly's name.
var root = new Command("visage", "Visage: face recognition. Enroll the people you know, then ask who is in a photo.")
{
    new HelpOption(),
    new VersionOption(),
};
foreach (var option in CommonOptions.Global) root.Options.Add(option);
root.Subcommands.Add(EnrollCommand.Create());
root.Subcommands.Add(IdentifyCommand.Create());
root.Subcommands.Add(VerifyCommand.Create());
root.Subcommands.Add(EmbedCommand.Create());
root.Subcommands.Add(EvaluateCommand.Create());
root.Subcommands.Add(CalibrateCommand.Create());
root.Subcommands.Add(ModelsCommand.Create());
root.Subcommands.Add(WatchCommand.Create());
root.Subcommands.Add(BenchCommand.Create());

return await root.Parse(args).InvokeAsync();
