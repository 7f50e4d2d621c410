from seniorcli.cli import main

main()
