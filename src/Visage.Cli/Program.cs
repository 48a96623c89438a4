using System.CommandLine;
using Visage.Cli;
using Visage.Cli.Commands;

var root = new RootCommand("Visage: face recognition. Enroll the people you know, then ask who is in a photo.");
foreach (var option in CommonOptions.Global) root.Options.Add(option);
root.Subcommands.Add(EnrollCommand.Create());
root.Subcommands.Add(IdentifyCommand.Create());
root.Subcommands.Add(VerifyCommand.Create());
root.Subcommands.Add(EmbedCommand.Create());
root.Subcommands.Add(ModelsCommand.Create());

return await root.Parse(args).InvokeAsync();
