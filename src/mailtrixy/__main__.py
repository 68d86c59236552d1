from mailtrixy.cli import main

main()
