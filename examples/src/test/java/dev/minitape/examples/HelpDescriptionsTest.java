package dev.minitape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Every option of every command says what it is in --help. */
class HelpDescriptionsTest {
    @Test
    void everyOptionOfEveryCommandHasADescription() {
        CommandLine cli = new CommandLine(new Main());
        List<String> undescribed = new ArrayList<>();
        int options = 0;
        for (CommandLine command : cli.getSubcommands().values()) {
            for (OptionSpec option : command.getCommandSpec().options()) {
                options++;
                if (String.join("", option.description()).isBlank()) undescribed.add(command.getCommandName() + " " + option.longestName());
            }
        }
        assertTrue(options > 80, "walked the options of every command: " + options);
        assertEquals(List.of(), undescribed, "options without a description in --help");
    }
}
